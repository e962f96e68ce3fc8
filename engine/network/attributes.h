// Validation of request bodies as Neutron's attribute maps do it: which keys
// a verb accepts, and the converters (booleans, strings, lists).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/status.h"
#include "engine/core/store.h"

namespace stacklab::network {

// A resource's known attributes: those its list filters on and `more`.
std::set<std::string> attribute_set(const std::vector<std::string>& filters, const std::set<std::string>& more);

// A request value as text: strings as they are, anything else as JSON.
std::string text_of(const Json& value);

// 400 "Unrecognized attribute(s) 'x'" for unknown keys and "Attribute 'x' not
// allowed in POST" (or PUT) for known ones the verb cannot set.
Status check_attributes(const Json& body, const std::set<std::string>& writable, const std::set<std::string>& known,
                        const char* verb);

// Neutron's convert_to_boolean: true/false, 1/0, "true"/"false" (any case), "1"/"0".
Result<bool> to_boolean(const std::string& field, const Json& value);

// A string of at most `max_len` characters (255 for names, descriptions).
Result<std::string> to_string_attr(const std::string& field, const Json& value, std::size_t max_len = 255);

// Copies body[field] into doc[field] when present, as a boolean / string.
Status copy_boolean(const Json& body, const std::string& field, Json& doc);
Status copy_string(const Json& body, const std::string& field, Json& doc, std::size_t max_len = 255);

// Neutron's tags: a list of distinct strings of 1-255 characters.
Status copy_tags(const Json& body, Json& doc);

}  // namespace stacklab::network
