#include "engine/scheduler/filters/extra_specs_ops.h"

#include <cctype>
#include <cstdlib>
#include <vector>

namespace stacklab::scheduler {

namespace {

// Python's str.split(): runs of whitespace separate, no empty words.
std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

enum class Op { kNone, kGe, kIn, kAllIn, kEq, kNe, kGeExplicit, kLe, kSEq, kSNe, kSLt, kSLe, kSGt, kSGe, kOr };

Op parse_op(const std::string& w) {
  if (w == "=") return Op::kGe;
  if (w == "<in>") return Op::kIn;
  if (w == "<all-in>") return Op::kAllIn;
  if (w == "==") return Op::kEq;
  if (w == "!=") return Op::kNe;
  if (w == ">=") return Op::kGeExplicit;
  if (w == "<=") return Op::kLe;
  if (w == "s==") return Op::kSEq;
  if (w == "s!=") return Op::kSNe;
  if (w == "s<") return Op::kSLt;
  if (w == "s<=") return Op::kSLe;
  if (w == "s>") return Op::kSGt;
  if (w == "s>=") return Op::kSGe;
  if (w == "<or>") return Op::kOr;
  return Op::kNone;
}

bool numeric(const std::string& x, const std::string& y, Op op) {
  auto a = python_float(x), b = python_float(y);
  if (!a || !b) return false;
  switch (op) {
    case Op::kGe:
    case Op::kGeExplicit: return *a >= *b;
    case Op::kEq: return *a == *b;
    case Op::kNe: return *a != *b;
    case Op::kLe: return *a <= *b;
    default: return false;
  }
}

}  // namespace

std::optional<double> python_float(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  std::string t(s);
  for (char c : t)
    if (c == 'x' || c == 'X' || c == 'p' || c == 'P') return std::nullopt;  // no hex floats in Python
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return v;
}

bool extra_spec_matches(const std::string& value, const std::string& req) {
  std::vector<std::string> words = split_words(req);
  Op op = words.empty() ? Op::kNone : parse_op(words.front());
  if (op == Op::kNone) return value == req;
  std::size_t i = 1;  // words[0] is the operator
  if (op == Op::kOr) {
    // "<or> a <or> b": operands at odd positions.
    while (i < words.size()) {
      if (words[i] == value) return true;
      i += 2;
    }
    return false;
  }
  if (i >= words.size()) return false;
  const std::string& arg = words[i];
  switch (op) {
    case Op::kIn: return value.find(arg) != std::string::npos;
    case Op::kAllIn:
      for (std::size_t k = i; k < words.size(); ++k)
        if (value.find(words[k]) == std::string::npos) return false;
      return true;
    case Op::kSEq: return value == arg;
    case Op::kSNe: return value != arg;
    case Op::kSLt: return value < arg;
    case Op::kSLe: return value <= arg;
    case Op::kSGt: return value > arg;
    case Op::kSGe: return value >= arg;
    default: return numeric(value, arg, op);
  }
}

}  // namespace stacklab::scheduler
