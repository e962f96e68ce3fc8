#include "engine/image/qcow2.h"

#include <fstream>

namespace stacklab::image {

namespace {

std::uint64_t be(const std::string& s, std::size_t off, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[off + i]);
  return v;
}

void put_be(std::string& s, std::size_t off, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    s[off + i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

std::optional<std::uint64_t> qcow2_virtual_size(const std::string& h) {
  if (h.size() < 32 || h.compare(0, 4, "QFI\xfb") != 0) return std::nullopt;
  std::uint64_t version = be(h, 4, 4);
  if (version != 2 && version != 3) return std::nullopt;
  return be(h, 24, 8);
}

std::optional<std::uint64_t> qcow2_virtual_size_of_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string h(32, '\0');
  if (!f.read(h.data(), 32)) return std::nullopt;
  return qcow2_virtual_size(h);
}

std::string make_empty_qcow2(std::uint64_t virtual_size) {
  const std::uint64_t cluster_bits = 16, cluster = 1ull << cluster_bits;
  // L2 tables cover cluster/8 entries of one cluster each.
  std::uint64_t l2_coverage = (cluster / 8) * cluster;
  std::uint64_t l1_size = (virtual_size + l2_coverage - 1) / l2_coverage;
  // Layout: header | refcount table | refcount block | L1 table, one cluster each (L1 may take more).
  std::uint64_t l1_clusters = std::max<std::uint64_t>(1, (l1_size * 8 + cluster - 1) / cluster);
  std::uint64_t total_clusters = 3 + l1_clusters;
  std::string img(total_clusters * cluster, '\0');
  img.replace(0, 4, "QFI\xfb");
  put_be(img, 4, 2, 4);  // version 2 (compat 0.10)
  put_be(img, 20, cluster_bits, 4);
  put_be(img, 24, virtual_size, 8);
  put_be(img, 32, 0, 4);  // no encryption
  put_be(img, 36, l1_size, 4);
  put_be(img, 40, 3 * cluster, 8);  // L1 table offset
  put_be(img, 48, cluster, 8);      // refcount table offset
  put_be(img, 56, 1, 4);            // refcount table clusters
  put_be(img, 60, 0, 4);            // snapshots
  put_be(img, 64, 0, 8);
  put_be(img, cluster, 2 * cluster, 8);  // refcount table -> refcount block
  for (std::uint64_t c = 0; c < total_clusters; ++c) put_be(img, 2 * cluster + c * 2, 1, 2);  // 16-bit refcounts
  return img;
}

}  // namespace stacklab::image
