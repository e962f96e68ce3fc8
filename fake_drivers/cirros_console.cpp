// The serial console of a booting cirros 0.3.4 guest, as `openstack console
// log show` printed it in the book's labs.
#include <cstdio>
#include <sstream>

#include "fake_drivers/fake_compute_driver.h"

namespace stacklab::fake {

namespace {

// Nova's EC2 instance id from the domain name: instance-0000002a -> i-0000002a.
std::string ec2_id(const std::string& name) {
  auto dash = name.rfind('-');
  return "i-" + (dash == std::string::npos ? name : name.substr(dash + 1));
}

}  // namespace

std::string cirros_boot_log(const compute::InstanceSpec& spec, const FakeHost& host) {
  const std::string ip = spec.fixed_ips.empty() ? "" : spec.fixed_ips.front();
  std::ostringstream o;
  char mem[32];
  std::snprintf(mem, sizeof mem, "%lldk", static_cast<long long>(spec.memory_mb) * 1024 - 62000);
  o << "[    0.000000] Initializing cgroup subsys cpuset\n"
       "[    0.000000] Initializing cgroup subsys cpu\n"
       "[    0.000000] Linux version 3.2.0-80-virtual (buildd@batsu) (gcc version 4.6.3 (Ubuntu/Linaro "
       "4.6.3-1ubuntu5) ) #116-Ubuntu SMP Mon Mar 23 17:28:52 UTC 2015 (Ubuntu 3.2.0-80.116-virtual 3.2.68)\n"
       "[    0.000000] Command line: root=/dev/vda console=tty0 console=ttyS0\n"
       "[    0.000000] DMI: OpenStack Foundation OpenStack Nova, BIOS 1.10.2-1ubuntu1 04/01/2014\n"
    << "[    0.000000] Memory: " << mem << "/" << spec.memory_mb * 1024 << "k available\n"
    << "[    0.000000] SMP: Allowing " << spec.vcpus << " CPUs, 0 hotplug CPUs\n"
    << "[    0.361204] Freeing unused kernel memory: 928k freed\n"
       "info: initramfs: up at 0.60\n"
       "info: initramfs loading root from /dev/vda\n"
       "info: /etc/init.d/rc.sysinit: up at 0.77\n"
       "info: container: none\n"
       "Starting logging: OK\n"
       "Initializing random number generator... done.\n"
       "Starting acpid: OK\n"
       "cirros-ds 'local' up at 0.80\n"
       "no results found for mode=local. up 0.81. searched: nocloud configdrive ec2\n"
       "Starting network...\n"
       "udhcpc (v1.20.1) started\n"
       "Sending discover...\n";
  if (ip.empty()) {
    o << "Sending discover...\nSending discover...\nUsage: /sbin/cirros-dhcpc <up|down>\nNo lease, failing\n";
  } else {
    o << "Sending select for " << ip << "...\nLease of " << ip << " obtained, lease time 86400\n";
  }
  o << "cirros-ds 'net' up at 1.85\n"
       "checking http://169.254.169.254/2009-04-04/instance-id\n"
    << "successful after 1/20 tries: up 1.86. iid=" << ec2_id(spec.name) << "\n"
    << "failed to get http://169.254.169.254/2009-04-04/user-data\n"
       "warning: no ec2 metadata for user-data\n"
       "found datasource (ec2, net)\n"
       "Top of dropbear init script\n"
       "Starting dropbear sshd: OK\n"
       "=== system information ===\n"
       "Platform: OpenStack Foundation OpenStack Nova\n"
       "Container: none\n"
       "Arch: x86_64\n"
    << "CPU(s): " << spec.vcpus << " @ 2394.456 MHz\n"
    << "RAM Size: " << spec.memory_mb - 24 << "MB\n"
    << "=== network info ===\n"
       "if-info: lo,up,127.0.0.1,8,::1\n";
  if (!ip.empty()) o << "if-info: eth0,up," << ip << ",24,fe80::f816:3eff:fe00:1/64\n";
  o << "=== datasource: ec2 net ===\n"
    << "instance-id: " << ec2_id(spec.name) << "\n"
    << "name: N/A\n"
    << "availability-zone: " << host.availability_zone << "\n"
    << "local-hostname: " << spec.hostname << ".novalocal\n"
    << "launch-index: 0\n"
       "=== cirros: current=0.3.4 latest=0.3.4 uptime=2.45 ===\n"
       "  ____               ____  ____\n"
       " / __/ __ ____ ____ / __ \\/ __/\n"
       "/ /__ / // __// __// /_/ /\\ \\ \n"
       "\\___//_//_/  /_/   \\____/___/ \n"
       "   http://cirros-cloud.net\n"
       "\n\n"
       "login as 'cirros' user. default password: 'cubswin:)'. use 'sudo' for root.\n"
    << spec.hostname << " login: ";
  return o.str();
}

}  // namespace stacklab::fake
