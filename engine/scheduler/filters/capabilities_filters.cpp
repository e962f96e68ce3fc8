// Filters on what the hypervisor offers: ComputeCapabilitiesFilter (flavor
// extra specs "capabilities:..." against host attributes and stats) and
// ImagePropertiesFilter (image architecture / hypervisor type / vm mode /
// hypervisor version against the node's supported instances).
#include <charconv>
#include <optional>
#include <sstream>

#include "engine/scheduler/filters/extra_specs_ops.h"
#include "engine/scheduler/filters/filter_factories.h"

namespace stacklab::scheduler::filters {

using nlohmann::json;

namespace {

std::string python_float_repr(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, end);
  if (s == "inf" || s == "-inf" || s == "nan" || s == "-nan") return s;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// Python's str() of the value Nova would hold (repr for nested values).
std::string python_str(const json& v, bool nested = false) {
  switch (v.type()) {
    case json::value_t::string: {
      if (!nested) return v.get<std::string>();
      return "'" + v.get<std::string>() + "'";
    }
    case json::value_t::boolean: return v.get<bool>() ? "True" : "False";
    case json::value_t::null: return "None";
    case json::value_t::number_float: return python_float_repr(v.get<double>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return v.dump();
    case json::value_t::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + python_str(v[i], true);
      return s + "]";
    }
    case json::value_t::object: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, x] : v.items()) {
        s += (first ? "'" : ", '") + k + "': " + python_str(x, true);
        first = false;
      }
      return s + "}";
    }
    default: return v.dump();
  }
}

json string_or_none(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// getattr(host_state, name): nullopt when HostState has no such attribute,
// json null when it has it but it is None.
std::optional<json> host_attribute(const HostState& h, const std::string& name) {
  if (name == "host") return string_or_none(h.host);
  if (name == "nodename") return string_or_none(h.nodename);
  if (name == "uuid") return string_or_none(h.uuid);
  if (name == "cell_uuid") return string_or_none(h.cell_uuid);
  if (name == "free_ram_mb") return json(h.free_ram_mb);
  if (name == "free_disk_mb") return json(h.free_disk_mb);
  if (name == "disk_mb_used") return json(h.disk_mb_used);
  if (name == "total_usable_ram_mb") return json(h.total_usable_ram_mb);
  if (name == "total_usable_disk_gb") return json(h.total_usable_disk_gb);
  if (name == "vcpus_total") return json(h.vcpus_total);
  if (name == "vcpus_used") return json(h.vcpus_used);
  if (name == "cpu_allocation_ratio") return json(h.cpu_allocation_ratio);
  if (name == "ram_allocation_ratio") return json(h.ram_allocation_ratio);
  if (name == "disk_allocation_ratio") return json(h.disk_allocation_ratio);
  if (name == "num_instances") return json(h.num_instances);
  if (name == "num_io_ops") return json(h.num_io_ops);
  if (name == "hypervisor_type") return string_or_none(h.hypervisor_type);
  if (name == "hypervisor_hostname") return string_or_none(h.hypervisor_hostname);
  if (name == "hypervisor_version") return json(h.hypervisor_version);
  if (name == "cpu_info") return h.cpu_info;
  if (name == "stats") return json(h.stats);
  if (name == "supported_instances") {
    json list = json::array();
    for (const auto& s : h.supported_instances) list.push_back({s.arch, s.hv_type, s.vm_mode});
    return list;
  }
  return std::nullopt;
}

// Nova's _get_capabilities: walk `scope` from the host (attribute, then its
// stats) into nested dicts; JSON strings are parsed on the way.
std::optional<json> capability(const HostState& h, const std::vector<std::string>& scope) {
  std::optional<json> cap;  // nullopt = the host itself
  for (const auto& key : scope) {
    if (cap && cap->is_string()) {
      json parsed = json::parse(cap->get<std::string>(), nullptr, false);
      if (parsed.is_discarded()) return std::nullopt;
      cap = parsed;
    }
    if (!cap) {
      auto attr = host_attribute(h, key);
      if (!attr || attr->is_null()) {
        auto it = h.stats.find(key);
        if (it == h.stats.end()) return std::nullopt;
        cap = json(it->second);
      } else {
        cap = std::move(attr);
      }
    } else if (cap->is_object()) {
      auto it = cap->find(key);
      if (it == cap->end() || it->is_null()) return std::nullopt;
      cap = *it;
    } else {
      return std::nullopt;  // getattr on a non-dict value: AttributeError
    }
  }
  if (!cap || cap->is_null()) return std::nullopt;
  return cap;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.push_back("");
  if (s.empty()) out.push_back("");
  return out;
}

// Flavor extra specs scoped "capabilities:" (or unscoped keys naming a host
// attribute or stat) must match what the host reports.
class ComputeCapabilitiesFilter final : public SchedulerFilter {
 public:
  std::string_view name() const override { return "ComputeCapabilitiesFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    for (const auto& [spec_key, spec_req] : spec.flavor.extra_specs) {
      std::string key = spec_key, req = spec_req;
      if (key == "hw:maxphysaddr_bits") {
        key = "capabilities:cpu_info:maxphysaddr:bits";
        req = ">= " + req;
      }
      std::vector<std::string> scope = split(key, ':');
      if (scope.size() == 1) {
        if (!host_attribute(h, key) && !h.stats.count(key)) continue;
      } else {
        if (scope[0] != "capabilities") continue;
        scope.erase(scope.begin());
      }
      auto cap = capability(h, scope);
      if (!cap) return false;
      if (!extra_spec_matches(python_str(*cap), req)) return false;
    }
    return true;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }
};

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

using namespace std::string_view_literals;

std::string canonical_arch(const std::string& name) {
  std::string n = lower(name);
  std::string_view v = n;
  if (v == "i386"sv || v == "i486"sv || v == "i586"sv || v == "x86_32"sv || v == "x86_32p"sv) return "i686";
  if (v == "amd64"sv) return "x86_64";
  return n;
}
std::string canonical_hv_type(const std::string& name) {
  std::string n = lower(name);
  return std::string_view(n) == "xapi"sv ? "xen" : n;
}
std::string canonical_vm_mode(const std::string& name) {
  std::string n = lower(name);
  std::string_view v = n;
  if (v == "pv"sv) return "xen";
  if (v == "hv"sv || v == "baremetal"sv) return "hvm";
  return n;
}

// oslo versionutils.convert_version_to_str: 6001002 -> "6.1.2".
std::vector<long long> version_parts(std::int64_t v) {
  std::vector<long long> parts;
  while (v != 0) {
    parts.insert(parts.begin(), v % 1000);
    v /= 1000;
  }
  return parts;
}

std::optional<std::vector<long long>> parse_version(const std::string& s) {
  std::vector<long long> out;
  for (const auto& p : split(s, '.')) {
    long long n = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size()) return std::nullopt;
    out.push_back(n);
  }
  return out;
}

int compare_versions(std::vector<long long> a, std::vector<long long> b) {
  std::size_t n = std::max(a.size(), b.size());
  a.resize(n, 0);
  b.resize(n, 0);
  return a < b ? -1 : (a == b ? 0 : 1);
}

// oslo versionutils.VersionPredicate: "op version[, op version...]", all must hold.
bool version_satisfies(std::int64_t hypervisor_version, const std::string& predicate) {
  auto have = version_parts(hypervisor_version);
  for (std::string clause : split(predicate, ',')) {
    clause.erase(0, clause.find_first_not_of(" \t"));
    clause.erase(clause.find_last_not_of(" \t") + 1);
    std::string_view op;
    for (std::string_view o : {"<=", ">=", "==", "!=", "<", ">"})
      if (std::string_view(clause).substr(0, o.size()) == o) {
        op = o;
        break;
      }
    if (op.empty()) return false;
    std::string v = clause.substr(op.size());
    v.erase(0, v.find_first_not_of(" \t"));
    auto want = parse_version(v);
    if (!want) return false;
    int c = compare_versions(have, *want);
    bool ok = op == "<=" ? c <= 0 : op == ">=" ? c >= 0 : op == "==" ? c == 0 : op == "!=" ? c != 0 : op == "<" ? c < 0 : c > 0;
    if (!ok) return false;
  }
  return true;
}

// An image asking for an architecture, hypervisor type or vm mode passes
// the hosts with a supported instance offering all of them (and, with
// img_hv_requested_version, a hypervisor version satisfying it).
class ImagePropertiesFilter final : public SchedulerFilter {
 public:
  explicit ImagePropertiesFilter(std::string default_arch) : default_arch_(std::move(default_arch)) {}
  std::string_view name() const override { return "ImagePropertiesFilter"; }
  bool host_passes(const HostState& h, const RequestSpec& spec) const override {
    static const std::string kArch = "hw_architecture", kHvType = "img_hv_type", kVmMode = "hw_vm_mode",
                             kVersion = "img_hv_requested_version", kBits = "hw_maxphysaddr_bits";
    static const std::string kNone;
    const auto& props = spec.image.properties;
    auto prop = [&](const std::string& k) -> const std::string& {
      auto it = props.find(k);
      return it == props.end() ? kNone : it->second;
    };
    if (props.empty() && default_arch_.empty()) return true;
    const std::string& arch = props.count(kArch) ? prop(kArch) : default_arch_;
    const std::string wanted[3] = {canonical_arch(arch), canonical_hv_type(prop(kHvType)),
                                   canonical_vm_mode(prop(kVmMode))};
    if (wanted[0].empty() && wanted[1].empty() && wanted[2].empty()) return true;
    if (h.supported_instances.empty()) return false;
    const std::string& version_required = prop(kVersion);
    const std::string& bits_required = prop(kBits);
    for (const auto& si : h.supported_instances) {
      bool all = true;
      for (const auto& w : wanted)
        if (!w.empty() && w != si.arch && w != si.hv_type && w != si.vm_mode) all = false;
      if (!all) continue;
      if (h.hypervisor_version && !version_required.empty() &&
          !version_satisfies(h.hypervisor_version, version_required))
        continue;
      if (!bits_required.empty()) {
        auto mp = h.cpu_info.find("maxphysaddr");
        if (mp != h.cpu_info.end() && mp->is_object()) {
          auto bits = mp->find("bits");
          auto need = python_float(bits_required);
          if (bits != mp->end() && bits->is_number() && bits->get<double>() != 0 && need &&
              bits->get<double>() < *need)
            continue;
        }
      }
      return true;
    }
    return false;
  }
  bool run_filter_once_per_request() const override { return true; }
  FilterInputs inputs() const override { return FilterInputs::kHostAttributes; }

 private:
  std::string default_arch_;
};

}  // namespace

std::unique_ptr<SchedulerFilter> compute_capabilities_filter() {
  return std::make_unique<ComputeCapabilitiesFilter>();
}
std::unique_ptr<SchedulerFilter> image_properties_filter(const SchedulerOptions& o) {
  return std::make_unique<ImagePropertiesFilter>(o.image_properties_default_architecture);
}

}  // namespace stacklab::scheduler::filters
