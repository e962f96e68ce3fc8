// Reading fields of stored Neutron documents without copying them: the data
// plane walks every port of a model per probe, so a copied list or string
// per port is what its cost is made of.
#pragma once

#include <string>

#include "engine/core/store.h"

namespace stacklab::network {

// doc[field] when it is a string, else "".
inline const std::string& field_text(const Json& doc, const char* field) {
  static const std::string kEmpty;
  auto it = doc.find(field);
  return it != doc.end() && it->is_string() ? it->get_ref<const std::string&>() : kEmpty;
}

// doc[field] when it is an array, else [].
inline const Json& field_list(const Json& doc, const char* field) {
  static const Json kEmpty = Json::array();
  auto it = doc.find(field);
  return it != doc.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace stacklab::network
