// qcow2 headers: what Glance reads for `virtual_size`, and what stacklab
// writes for small, valid cloud images made offline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace stacklab::image {

// The virtual size recorded in a qcow2 header, or nullopt if `header` (the
// first bytes of a file, at least 32) is not qcow2.
std::optional<std::uint64_t> qcow2_virtual_size(const std::string& header);
// The same, reading the first bytes of a file.
std::optional<std::uint64_t> qcow2_virtual_size_of_file(const std::string& path);
// A minimal valid qcow2 (version 2, 64 KiB clusters, every cluster
// unallocated) of `virtual_size` bytes, as `qemu-img create -f qcow2 -o compat=0.10` makes.
std::string make_empty_qcow2(std::uint64_t virtual_size);

}  // namespace stacklab::image
