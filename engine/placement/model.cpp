#include "engine/placement/model.h"

namespace stacklab::placement {

bool ResourceProvider::fits(const std::string& rc, std::int64_t amount) const {
  auto inv = inventories.find(rc);
  if (inv == inventories.end()) return false;
  const Inventory& i = inv->second;
  if (amount < i.min_unit || amount > i.max_unit || (i.step_size > 0 && amount % i.step_size != 0)) return false;
  auto used = usage.find(rc);
  std::int64_t u = used == usage.end() ? 0 : used->second;
  return u + amount <= i.capacity();
}

const std::set<std::string>& standard_resource_classes() {
  static const std::set<std::string> kClasses = {"VCPU",
                                                 "MEMORY_MB",
                                                 "DISK_GB",
                                                 "PCI_DEVICE",
                                                 "SRIOV_NET_VF",
                                                 "NUMA_SOCKET",
                                                 "NUMA_CORE",
                                                 "NUMA_THREAD",
                                                 "NUMA_MEMORY_MB",
                                                 "IPV4_ADDRESS",
                                                 "VGPU",
                                                 "VGPU_DISPLAY_HEAD",
                                                 "NET_BW_EGR_KILOBIT_PER_SEC",
                                                 "NET_BW_IGR_KILOBIT_PER_SEC",
                                                 "PCPU",
                                                 "MEM_ENCRYPTION_CONTEXT",
                                                 "FPGA",
                                                 "PGPU",
                                                 "NET_PACKET_RATE_KILOPACKET_PER_SEC",
                                                 "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
                                                 "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC"};
  return kClasses;
}

const std::set<std::string>& standard_traits() {
  static const std::set<std::string> kTraits = {"COMPUTE_STATUS_DISABLED",
                                                "COMPUTE_NODE",
                                                "COMPUTE_VOLUME_ATTACH",
                                                "COMPUTE_VOLUME_EXTEND",
                                                "COMPUTE_VOLUME_MULTI_ATTACH",
                                                "COMPUTE_NET_ATTACH_INTERFACE",
                                                "COMPUTE_DEVICE_TAGGING",
                                                "COMPUTE_TRUSTED_CERTS",
                                                "COMPUTE_IMAGE_TYPE_QCOW2",
                                                "COMPUTE_IMAGE_TYPE_RAW",
                                                "COMPUTE_IMAGE_TYPE_AMI",
                                                "COMPUTE_IMAGE_TYPE_AKI",
                                                "COMPUTE_IMAGE_TYPE_ARI",
                                                "COMPUTE_IMAGE_TYPE_ISO",
                                                "COMPUTE_RESCUE_BFV",
                                                "COMPUTE_ACCELERATORS",
                                                "COMPUTE_SOCKET_PCI_NUMA_AFFINITY",
                                                "HW_CPU_X86_AVX",
                                                "HW_CPU_X86_AVX2",
                                                "HW_CPU_X86_SSE42",
                                                "HW_CPU_X86_AESNI",
                                                "HW_CPU_X86_SVM",
                                                "HW_CPU_X86_VMX",
                                                "HW_CPU_HYPERTHREADING",
                                                "HW_NIC_SRIOV",
                                                "HW_GPU_API_VULKAN",
                                                "STORAGE_DISK_SSD",
                                                "STORAGE_DISK_HDD",
                                                "MISC_SHARES_VIA_AGGREGATE",
                                                "HW_ARCH_X86_64",
                                                "HW_ARCH_AARCH64",
                                                "COMPUTE_ARCH_X86_64",
                                                "COMPUTE_ARCH_AARCH64"};
  return kTraits;
}

}  // namespace stacklab::placement
