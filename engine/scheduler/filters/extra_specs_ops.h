// Nova's extra_specs_ops.match: does a capability or aggregate value satisfy
// a flavor extra spec's requirement? Requirements are either a plain string
// (exact match) or an operator and operands: "= 4" (numeric >=), "== 4",
// "!= 4", ">= 4", "<= 4", "s== a", "s!= a", "s< a", "s<= a", "s> a",
// "s>= a", "<in> sub", "<all-in> a b", "<or> a <or> b".
// Where Nova's float() would raise on a non-number, this returns false.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stacklab::scheduler {

bool extra_spec_matches(const std::string& value, const std::string& requirement);

// Python's float(str): surrounding whitespace allowed, inf/nan accepted,
// nullopt where Python raises ValueError.
std::optional<double> python_float(std::string_view s);

}  // namespace stacklab::scheduler
