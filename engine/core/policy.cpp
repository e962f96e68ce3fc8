#include "engine/core/policy.h"

#include <cctype>
#include <vector>

namespace stacklab {

namespace {

std::vector<std::string> tokenize(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c == '(' || c == ')') {
      // "%(target.x)s" keeps its parentheses; a grouping paren stands alone.
      if (!cur.empty() && cur.back() == '%' && c == '(') {
        cur += c;
      } else if (c == ')' && cur.find("%(") != std::string::npos && cur.find(')') == std::string::npos) {
        cur += c;
      } else {
        flush();
        out.push_back(std::string(1, c));
      }
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

// Looks up "a.b.c" in a JSON object, first as a flat key (oslo.policy flattens
// targets), then as a path.
const Json* lookup(const Json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it != obj.end()) return &*it;
  const Json* cur = &obj;
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto f = cur->find(part);
    if (f == cur->end()) return nullptr;
    cur = &*f;
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
  return nullptr;
}

std::string as_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_null()) return "None";
  return v.dump();
}

class Evaluator {
 public:
  Evaluator(const std::map<std::string, std::string>& rules, const Credentials& creds, const Json& target, int depth)
      : rules_(rules), creds_(creds), target_(target), depth_(depth) {}

  // Parses and evaluates; sets `error` on a syntax error.
  bool run(const std::string& check, std::string* error) {
    toks_ = tokenize(check);
    pos_ = 0;
    if (toks_.empty()) return true;  // "" means anyone authenticated
    bool v = parse_or();
    if (pos_ != toks_.size() && error_.empty()) error_ = "unexpected '" + toks_[pos_] + "'";
    if (error) *error = error_;
    return error_.empty() && v;
  }

 private:
  bool at(const char* t) const { return pos_ < toks_.size() && toks_[pos_] == t; }

  bool parse_or() {
    bool v = parse_and();
    while (at("or")) {
      ++pos_;
      bool rhs = parse_and();
      v = v || rhs;
    }
    return v;
  }
  bool parse_and() {
    bool v = parse_not();
    while (at("and")) {
      ++pos_;
      bool rhs = parse_not();
      v = v && rhs;
    }
    return v;
  }
  bool parse_not() {
    if (at("not")) {
      ++pos_;
      return !parse_not();
    }
    return parse_atom();
  }
  bool parse_atom() {
    if (pos_ >= toks_.size()) {
      if (error_.empty()) error_ = "unexpected end of rule";
      return false;
    }
    if (at("(")) {
      ++pos_;
      bool v = parse_or();
      if (!at(")")) {
        if (error_.empty()) error_ = "missing ')'";
        return false;
      }
      ++pos_;
      return v;
    }
    std::string tok = toks_[pos_++];
    if (tok == "@") return true;
    if (tok == "!") return false;
    auto colon = tok.find(':');
    if (colon == std::string::npos) {
      if (error_.empty()) error_ = "bad check '" + tok + "'";
      return false;
    }
    return check(tok.substr(0, colon), tok.substr(colon + 1));
  }

  std::string expand(const std::string& match) const {
    if (match.size() > 4 && match.rfind("%(", 0) == 0 && match.substr(match.size() - 2) == ")s") {
      const Json* v = lookup(target_, match.substr(2, match.size() - 4));
      return v ? as_text(*v) : "\x01<absent>";
    }
    return match;
  }

  bool check(const std::string& kind, const std::string& match) {
    if (kind == "rule") {
      auto it = rules_.find(match);
      if (it == rules_.end() || depth_ > 20) return false;
      Evaluator sub(rules_, creds_, target_, depth_ + 1);
      return sub.run(it->second, nullptr);
    }
    if (kind == "role") {
      std::string r = expand(match);
      for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return creds_.has_role(r);
    }
    std::string want = expand(match);
    std::string have;
    if (kind == "user_id")
      have = creds_.user_id;
    else if (kind == "project_id")
      have = creds_.project_id;
    else if (kind == "domain_id")
      have = creds_.domain_id;
    else if (kind == "user_domain_id")
      have = creds_.user_domain_id;
    else if (kind == "project_domain_id")
      have = creds_.project_domain_id;
    else if (kind == "system_scope")
      have = creds_.system_scope;
    else if (kind == "is_admin")
      have = creds_.is_admin() ? "True" : "False";
    else if (kind == "token.project.domain.id")
      have = creds_.project_domain_id;
    else {
      // generic check: a literal on the left compared to the target's value
      const Json* v = lookup(target_, want);
      return v && as_text(*v) == kind;
    }
    return !have.empty() && have == want;
  }

  const std::map<std::string, std::string>& rules_;
  const Credentials& creds_;
  const Json& target_;
  int depth_;
  std::vector<std::string> toks_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

void Policy::register_default(const std::string& name, const std::string& check) { rules_[name] = check; }

Status Policy::validate(const std::string& check) {
  Credentials none;
  std::map<std::string, std::string> no_rules;
  Json empty = Json::object();
  Evaluator e(no_rules, none, empty, 0);
  std::string error;
  e.run(check, &error);
  if (!error.empty()) return BadRequest("invalid policy rule \"" + check + "\": " + error);
  return {};
}

Status Policy::load_overrides(const Json& rules) {
  if (!rules.is_object()) return BadRequest("policy file must hold a JSON object of rule names to check strings");
  for (const auto& [name, check] : rules.items()) {
    if (!check.is_string()) return BadRequest("policy rule " + name + " is not a string");
    Status st = validate(check.get<std::string>());
    if (!st.ok()) return st;
  }
  for (const auto& [name, check] : rules.items()) rules_[name] = check.get<std::string>();
  return {};
}

bool Policy::allowed(const std::string& action, const Credentials& creds, const Json& target) const {
  auto it = rules_.find(action);
  if (it == rules_.end()) return creds.is_admin();  // unregistered actions: admin only
  Evaluator e(rules_, creds, target, 0);
  return e.run(it->second, nullptr);
}

Status Policy::enforce(const std::string& action, const Credentials& creds, const Json& target) const {
  if (allowed(action, creds, target)) return {};
  return Forbidden("You are not authorized to perform the requested action: " + action + ".");
}

}  // namespace stacklab
