// The simulated guests' shells (exercises.md §6): when `ssh USER@IP` from
// the lab host gets in, what the console asks, and what hostname, ifconfig,
// ip a, ping and fdisk -l print inside — each connectivity rule with a case
// that works and one that does not. The topology is the book's Day 6: public
// 172.24.4.0/24 and NW_bootcamp_01 192.168.23.0/24 with bootcampVM-1 and -2.
#include <gtest/gtest.h>

#include "engine/compute/ssh_keys.h"
#include "engine/guest/guest_sessions.h"
#include "fake_drivers/simulated_dataplane.h"
#include "tests/unit/network_engine.h"

using namespace stacklab;
using namespace stacklab::guest;

namespace {

// Compute's side as the tests set it: the servers' guest records, which also answer the data plane.
class TestInventory : public GuestInventory, public network::GuestDirectory {
 public:
  std::map<std::string, GuestRecord> records;

  std::optional<GuestRecord> record(const std::string& id) const override {
    auto it = records.find(id);
    return it == records.end() ? std::nullopt : std::optional<GuestRecord>(it->second);
  }
  Result<GuestRecord> find(const Credentials& caller, const std::string& name_or_id) const override {
    for (const auto& [id, r] : records)
      if ((id == name_or_id || r.state.name == name_or_id) &&
          (caller.is_admin() || r.state.project_id == caller.project_id))
        return r;
    return NotFound("No server with a name or ID of '" + name_or_id + "' exists.");
  }
  std::optional<network::GuestState> guest(const std::string& id) const override {
    auto r = record(id);
    return r ? std::optional<network::GuestState>(r->state) : std::nullopt;
  }
  Result<network::GuestState> find_server(const Credentials& caller, const std::string& name_or_id) const override {
    auto r = find(caller, name_or_id);
    if (!r.ok()) return r.status();
    return r->state;
  }
};

constexpr long long kGiB = 1LL << 30;

class GuestShellTest : public stacklab::testing::NetworkTest {
 protected:
  void SetUp() override {
    NetworkTest::SetUp();
    probes_ = std::make_unique<network::NetworkProbes>(*store_, dataplane_, inventory_);
    sessions_ = std::make_unique<GuestSessions>(*probes_, dataplane_, inventory_, random_);
    public_ = network(admin_, {{"name", "public"}, {"router:external", true}});
    subnet(admin_, public_, {{"name", "public-subnet"}, {"cidr", "172.24.4.0/24"}, {"enable_dhcp", false}});
    net_ = network(demo_, {{"name", "NW_bootcamp_01"}});
    subnet_ = subnet(demo_, net_, {{"name", "SN_bootcamp_01"}, {"cidr", "192.168.23.0/24"}});
    key_ = *compute::generate_rsa_keypair(1024);
    vm1_ = server("bootcampVM-1", "cirros-0.3.4-x86_64-uec", *compute::ssh_fingerprint(key_.public_key));
    vm2_ = server("bootcampVM-2", "cirros-0.3.4-x86_64-uec", "");
  }

  // A running VM on NW_bootcamp_01 in demo's default group; returns its port.
  Json server(const std::string& name, const std::string& image, const std::string& fingerprint,
              Json port_body = Json::object()) {
    const std::string id = "uuid-" + name;
    port_body["network_id"] = net_["id"];
    port_body["device_owner"] = "compute:nova";
    port_body["device_id"] = id;
    auto port = service_->create_port(demo_, port_body);
    EXPECT_TRUE(port.ok()) << port.status().message();
    GuestRecord r;
    r.state = {id, name, "demo", "ACTIVE", 1};
    r.hostname = name == "VM_Ubuntu_OSC" ? "vm-ubuntu-osc" : name;
    r.instance_name = "instance-0000000" + std::to_string(inventory_.records.size() + 1);
    r.image_name = image;
    r.key_name = fingerprint.empty() ? "" : "KP_hellovinoth";
    r.key_fingerprint = fingerprint;
    r.disks = {{"/dev/vda", 5 * kGiB, false}};
    inventory_.records[id] = r;
    return port.ok() ? *port : Json();
  }
  std::string ip(const Json& port) { return port["fixed_ips"][0]["ip_address"]; }
  std::string default_group() { return (*service_->ensure_default_security_group("demo"))["id"]; }
  void allow_ssh_from_anywhere() {
    ASSERT_TRUE(service_
                    ->create_security_group_rule(demo_, {{"security_group_id", default_group()},
                                                         {"direction", "ingress"},
                                                         {"protocol", "tcp"},
                                                         {"port_range_min", 22},
                                                         {"port_range_max", 22},
                                                         {"remote_ip_prefix", "0.0.0.0/0"}})
                    .ok());
  }
  void add_router() {
    Json r = *service_->create_router(
        demo_, {{"name", "R_bootcamp_01"}, {"external_gateway_info", {{"network_id", public_["id"]}}}});
    ASSERT_TRUE(service_->add_router_interface(demo_, r["id"], {{"subnet_id", subnet_["id"]}}).ok());
  }
  std::string floating_ip(const Json& port) {
    auto fip = service_->create_floating_ip(demo_, {{"floating_network_id", public_["id"]}, {"port_id", port["id"]}});
    EXPECT_TRUE(fip.ok()) << fip.status().message();
    return fip.ok() ? (*fip)["floating_ip_address"].get<std::string>() : "";
  }
  // The book's EX-16/18 done for vm1: router1-like router, SSH rule, floating IP.
  std::string reachable_vm1() {
    add_router();
    allow_ssh_from_anywhere();
    return floating_ip(vm1_);
  }
  SshOutcome ssh(const std::string& user, const std::string& host, const std::string& key = "",
                 const std::string& password = "") {
    auto out = sessions_->ssh(demo_, {user, host, key, password});
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : SshOutcome();
  }
  ExecOutcome exec(const std::string& session, const std::string& line, const Credentials* who = nullptr) {
    auto out = sessions_->exec(who ? *who : demo_, session, line);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : ExecOutcome();
  }
  // A console session on `server`, logged in as cirros.
  std::string console_shell(const std::string& server) {
    auto c = sessions_->console(demo_, server);
    EXPECT_TRUE(c.ok()) << c.status().message();
    if (!c.ok()) return "";
    exec(c->session.id, "cirros");
    EXPECT_EQ(exec(c->session.id, "cubswin:)").session.stage, "shell");
    return c->session.id;
  }
  static bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

  fake::SimulatedDataplane dataplane_;
  TestInventory inventory_;
  std::unique_ptr<network::NetworkProbes> probes_;
  std::unique_ptr<GuestSessions> sessions_;
  compute::GeneratedKeypair key_;
  Json public_, net_, subnet_, vm1_, vm2_;
};

}  // namespace

TEST_F(GuestShellTest, SshThroughTheFloatingIpWithTheRightKeyGetsAShell) {
  const std::string fip = reachable_vm1();
  SshOutcome out = ssh("cirros", fip, key_.private_key);
  ASSERT_TRUE(out.connected) << out.error << " / " << out.reason;
  EXPECT_EQ(out.session.prompt, "$ ");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].action, "guest.ssh");
  EXPECT_EQ(out.events[0].details["result"], "success");
  EXPECT_EQ(out.events[0].details["server"]["name"], "bootcampVM-1");
  EXPECT_EQ(out.events[0].details["auth"], "publickey");
  EXPECT_EQ(exec(out.session.id, "hostname").output, "bootcampVM-1\n");
  // The public key names the same key pair.
  EXPECT_TRUE(ssh("cirros", fip, key_.public_key).connected);
}

TEST_F(GuestShellTest, WithoutAFloatingIpTheFixedAddressTimesOut) {
  add_router();
  allow_ssh_from_anywhere();
  SshOutcome out = ssh("cirros", ip(vm1_), key_.private_key);
  EXPECT_FALSE(out.connected);
  EXPECT_EQ(out.error, "ssh: connect to host " + ip(vm1_) + " port 22: Connection timed out");
  EXPECT_TRUE(has(out.reason, "project networks are isolated")) << out.reason;
  EXPECT_EQ(out.events[0].details["result"], "failure");
}

TEST_F(GuestShellTest, WithoutAnSshRuleTheFloatingIpTimesOut) {
  add_router();
  const std::string fip = floating_ip(vm1_);
  SshOutcome out = ssh("cirros", fip, key_.private_key);
  EXPECT_FALSE(out.connected);
  EXPECT_EQ(out.error, "ssh: connect to host " + fip + " port 22: Connection timed out");
  EXPECT_TRUE(has(out.reason, "tcp/22")) << out.reason;
  allow_ssh_from_anywhere();
  EXPECT_TRUE(ssh("cirros", fip, key_.private_key).connected);
}

TEST_F(GuestShellTest, AStoppedVmTimesOutAndItsSessionsEnd) {
  const std::string fip = reachable_vm1();
  SshOutcome open = ssh("cirros", fip, "", "cubswin:)");
  ASSERT_TRUE(open.connected);
  inventory_.records["uuid-bootcampVM-1"].state.status = "SHUTOFF";
  inventory_.records["uuid-bootcampVM-1"].state.power_state = 4;
  EXPECT_EQ(ssh("cirros", fip, "", "cubswin:)").error,
            "ssh: connect to host " + fip + " port 22: Connection timed out");
  ExecOutcome gone = exec(open.session.id, "hostname");
  EXPECT_TRUE(gone.closed);
  EXPECT_EQ(gone.output, "Connection to " + fip + " closed by remote host.\n");
}

TEST_F(GuestShellTest, AWrongKeyIsRefusedButCirrosTakesItsPassword) {
  const std::string fip = reachable_vm1();
  auto other = *compute::generate_rsa_keypair(1024);
  SshOutcome wrong = ssh("cirros", fip, other.private_key);
  EXPECT_FALSE(wrong.connected);
  EXPECT_EQ(wrong.error, "cirros@" + fip + ": Permission denied (publickey,password).");
  EXPECT_TRUE(wrong.password_allowed);
  EXPECT_TRUE(has(wrong.reason, "not the one of key pair KP_hellovinoth")) << wrong.reason;
  EXPECT_FALSE(ssh("cirros", fip, "", "secret").connected);
  EXPECT_FALSE(ssh("root", fip, "", "cubswin:)").connected) << "only the image's login user";
  SshOutcome password = ssh("cirros", fip, other.private_key, "cubswin:)");
  EXPECT_TRUE(password.connected);
  EXPECT_EQ(password.events[0].details["auth"], "password");
}

TEST_F(GuestShellTest, UbuntuTakesItsKeyOnlyAndSudoSuWarnsAboutTheHostname) {
  Json port = server("VM_Ubuntu_OSC", "Ubuntu14_04", *compute::ssh_fingerprint(key_.public_key));
  inventory_.records["uuid-VM_Ubuntu_OSC"].disks.push_back({"/dev/vdb", 1 * kGiB, true});
  add_router();
  allow_ssh_from_anywhere();
  const std::string fip = floating_ip(port);
  SshOutcome refused = ssh("ubuntu", fip, "", "cubswin:)");
  EXPECT_EQ(refused.error, "ubuntu@" + fip + ": Permission denied (publickey).");
  EXPECT_FALSE(refused.password_allowed);
  EXPECT_FALSE(ssh("cirros", fip, key_.private_key).connected) << "the login user is ubuntu";
  SshOutcome out = ssh("ubuntu", fip, key_.private_key);
  ASSERT_TRUE(out.connected) << out.reason;
  EXPECT_EQ(out.session.prompt, "ubuntu@vm-ubuntu-osc:~$ ");
  ExecOutcome denied = exec(out.session.id, "fdisk -l");
  EXPECT_EQ(denied.exit_status, 1);
  EXPECT_TRUE(has(denied.output, "Permission denied"));
  ExecOutcome su = exec(out.session.id, "sudo su");
  EXPECT_EQ(su.output, "sudo: unable to resolve host vm-ubuntu-osc\n");
  EXPECT_EQ(su.session.prompt, "root@vm-ubuntu-osc:/home/ubuntu# ");
  const std::string fdisk = exec(out.session.id, "fdisk -l").output;
  EXPECT_TRUE(has(fdisk, "Disk /dev/vda: 5368 MB, 5368709120 bytes")) << fdisk;
  EXPECT_TRUE(has(fdisk, "/dev/vda1   *        2048    10485759     5241856   83  Linux")) << fdisk;
  EXPECT_TRUE(has(fdisk, "Disk /dev/vdb: 1073 MB, 1073741824 bytes")) << fdisk;
  EXPECT_TRUE(has(fdisk, "Disk /dev/vdb doesn't contain a valid partition table")) << fdisk;
  EXPECT_TRUE(has(exec(out.session.id, "cat /etc/os-release").output, "VERSION_ID=\"14.04\""));
  ExecOutcome leave_root = exec(out.session.id, "exit");
  EXPECT_FALSE(leave_root.closed);
  EXPECT_EQ(leave_root.session.prompt, "ubuntu@vm-ubuntu-osc:~$ ");
  ExecOutcome bye = exec(out.session.id, "exit");
  EXPECT_TRUE(bye.closed);
  EXPECT_TRUE(has(bye.output, "Connection to " + fip + " closed.")) << bye.output;
  EXPECT_EQ(sessions_->exec(demo_, out.session.id, "hostname").status().code(), Code::kNotFound);
}

TEST_F(GuestShellTest, IfconfigShowsThePortButNeverTheFloatingIp) {
  const std::string fip = reachable_vm1();
  SshOutcome out = ssh("cirros", fip, key_.private_key);
  ASSERT_TRUE(out.connected);
  std::string mac = vm1_["mac_address"];
  std::string upper_mac = mac;
  for (char& c : upper_mac) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string ifconfig = exec(out.session.id, "ifconfig").output;
  EXPECT_TRUE(has(ifconfig, "eth0      Link encap:Ethernet  HWaddr " + upper_mac)) << ifconfig;
  EXPECT_TRUE(has(ifconfig, "inet addr:" + ip(vm1_) + "  Bcast:192.168.23.255  Mask:255.255.255.0")) << ifconfig;
  EXPECT_TRUE(has(ifconfig, "MTU:" + std::to_string(net_["mtu"].get<int>()))) << ifconfig;
  EXPECT_TRUE(has(ifconfig, "inet6 addr: fe80::f816:3eff:fe")) << ifconfig;
  EXPECT_TRUE(has(ifconfig, "MTU:16436")) << "cirros's lo";
  EXPECT_FALSE(has(ifconfig, fip));
  const std::string ip_a = exec(out.session.id, "ip a").output;
  EXPECT_TRUE(has(ip_a, "link/ether " + mac)) << ip_a;
  EXPECT_TRUE(has(ip_a, "inet " + ip(vm1_) + "/24 brd 192.168.23.255 scope global eth0")) << ip_a;
  EXPECT_FALSE(has(ip_a, fip));
}

TEST_F(GuestShellTest, VmToVmPingOnOneNetworkPassesTheDefaultGroup) {
  const std::string session = console_shell("bootcampVM-2");
  ExecOutcome ping = exec(session, "ping -c 3 " + ip(vm1_));
  EXPECT_EQ(ping.exit_status, 0);
  EXPECT_TRUE(has(ping.output, "64 bytes from " + ip(vm1_) + ": seq=0 ttl=64")) << ping.output;
  EXPECT_TRUE(has(ping.output, "3 packets transmitted, 3 packets received, 0% packet loss")) << ping.output;
  ASSERT_EQ(ping.events.size(), 1u);
  EXPECT_EQ(ping.events[0].action, "guest.ping");
  EXPECT_EQ(ping.events[0].details["result"], "success");
  EXPECT_EQ(ping.events[0].details["from"]["name"], "bootcampVM-2");
  EXPECT_EQ(ping.events[0].details["to"]["name"], "bootcampVM-1");
}

TEST_F(GuestShellTest, AVmOutsideTheDefaultGroupDropsThePing) {
  Json web = *service_->create_security_group(demo_, {{"name", "web"}});
  Json stranger = server("stranger", "cirros-0.3.4-x86_64-uec", "", {{"security_groups", {web["id"]}}});
  const std::string session = console_shell("bootcampVM-2");
  ExecOutcome ping = exec(session, "ping -c 2 " + ip(stranger));
  EXPECT_EQ(ping.exit_status, 1);
  EXPECT_TRUE(has(ping.output, "2 packets transmitted, 0 packets received, 100% packet loss")) << ping.output;
  EXPECT_EQ(ping.events[0].details["result"], "failure");
}

TEST_F(GuestShellTest, TheInternetNeedsARouterWithAGateway) {
  const std::string session = console_shell("bootcampVM-2");
  ExecOutcome before = exec(session, "ping 8.8.8.8");
  EXPECT_EQ(before.exit_status, 1);
  EXPECT_TRUE(has(before.output, "3 packets transmitted, 0 packets received, 100% packet loss")) << before.output;
  EXPECT_EQ(before.events[0].details["to"]["name"], "internet");
  add_router();
  ExecOutcome after = exec(session, "ping -c 3 8.8.8.8");
  EXPECT_EQ(after.exit_status, 0);
  EXPECT_TRUE(has(after.output, "64 bytes from 8.8.8.8: seq=0 ttl=55")) << after.output;
  EXPECT_TRUE(has(after.output, "0% packet loss")) << after.output;
  EXPECT_EQ(after.events[0].details["result"], "success");
}

TEST_F(GuestShellTest, TheConsoleAsksForALoginWhateverTheNetwork) {
  auto c = sessions_->console(demo_, "bootcampVM-1");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(has(c->banner, "Connected (unencrypted) to: QEMU (instance-00000001)")) << c->banner;
  EXPECT_EQ(c->session.prompt, "bootcampVM-1 login: ");
  EXPECT_EQ(c->events[0].action, "guest.console");
  EXPECT_EQ(exec(c->session.id, "cirros").session.prompt, "Password: ");
  ExecOutcome wrong = exec(c->session.id, "nope");
  EXPECT_TRUE(has(wrong.output, "Login incorrect"));
  EXPECT_EQ(wrong.session.stage, "login");
  exec(c->session.id, "cirros");
  ExecOutcome in = exec(c->session.id, "cubswin:)");
  EXPECT_EQ(in.session.prompt, "$ ");
  EXPECT_EQ(in.events[0].action, "guest.login");
  EXPECT_EQ(in.events[0].details["result"], "success");
  ExecOutcome unknown = exec(c->session.id, "frobnicate --now");
  EXPECT_EQ(unknown.output, "-sh: frobnicate: not found\n");
  EXPECT_EQ(unknown.exit_status, kNotFoundStatus);
  EXPECT_EQ(exec(c->session.id, "whoami").output, "cirros\n");
  EXPECT_TRUE(has(exec(c->session.id, "uname -a").output, "Linux bootcampVM-1 3.2.0-80-virtual"));
  EXPECT_EQ(exec(c->session.id, "sudo su").session.prompt, "# ");
  EXPECT_EQ(exec(c->session.id, "whoami").output, "root\n");
}

TEST_F(GuestShellTest, TheConsoleNeedsARunningServerTheCallerCanSee) {
  inventory_.records["uuid-bootcampVM-2"].state.status = "SHUTOFF";
  EXPECT_EQ(sessions_->console(demo_, "bootcampVM-2").status().code(), Code::kConflict);
  EXPECT_EQ(sessions_->console(alt_, "bootcampVM-1").status().code(), Code::kNotFound);
}

TEST_F(GuestShellTest, ASessionBelongsToWhoOpenedIt) {
  const std::string session = console_shell("bootcampVM-1");
  EXPECT_EQ(sessions_->exec(alt_, session, "hostname").status().code(), Code::kNotFound);
  EXPECT_EQ(sessions_->close(alt_, session).code(), Code::kNotFound);
  EXPECT_TRUE(sessions_->close(demo_, session).ok());
}

TEST_F(GuestShellTest, MalformedRequestsAreRefusedAndNamesDoNotResolve) {
  EXPECT_EQ(sessions_->ssh(demo_, {"", "172.24.4.10", "", ""}).status().code(), Code::kBadRequest);
  EXPECT_EQ(sessions_->ssh(demo_, {"cirros", "", "", ""}).status().code(), Code::kBadRequest);
  SshOutcome name = ssh("cirros", "bootcampVM-1");
  EXPECT_EQ(name.error, "ssh: Could not resolve hostname bootcampVM-1: Name or service not known");
}

namespace {

const std::string kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_decode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    if (c == '=') break;
    val = (val << 6) + static_cast<int>(kBase64.find(c));
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string base64_encode(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kBase64[n & 63] : '=');
  }
  return out;
}

void put_string(std::string* out, const std::string& s) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((s.size() >> shift) & 0xff));
  out->append(s);
}

}  // namespace

TEST(GuestKeys, AnOpenSshPrivateKeyIsKnownByItsPublicHalf) {
  auto key = *compute::generate_rsa_keypair(1024);
  // The format ssh-keygen writes: magic, cipher "none", kdf "none", no kdf options, one key, its public blob
  // (the private part, which follows, is not needed to know the key).
  const std::string public_blob = base64_decode(key.public_key.substr(8, key.public_key.find(' ', 8) - 8));
  std::string blob("openssh-key-v1\0", 15);
  put_string(&blob, "none");
  put_string(&blob, "none");
  put_string(&blob, "");
  blob += std::string("\0\0\0\1", 4);
  put_string(&blob, public_blob);
  const std::string pem =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n" + base64_encode(blob) + "\n-----END OPENSSH PRIVATE KEY-----\n";
  auto fp = compute::private_key_fingerprint(pem);
  ASSERT_TRUE(fp.ok()) << fp.status().message();
  EXPECT_EQ(*fp, *compute::ssh_fingerprint(key.public_key));
  EXPECT_EQ(*compute::private_key_fingerprint(key.private_key), *fp) << "the PEM of the same key";
  EXPECT_FALSE(
      compute::private_key_fingerprint("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----")
          .ok());
}

// The DHCP agent down at a guest's boot (the troubleshooting day's dhcp-agent-down).
class GuestLeaseTest : public GuestShellTest {
 protected:
  void SetUp() override {
    GuestShellTest::SetUp();
    leases_ = std::make_unique<GuestLeases>(
        *store_, clock_,
        [this](const std::string& server_id) {
          std::vector<GuestLeases::Nic> nics;
          for (const Json* p : service_->device_ports(server_id))
            nics.push_back({(*p)["id"].get<std::string>(), (*p)["network_id"].get<std::string>()});
          return nics;
        },
        [this](const std::string&) { return dhcp_up_; });
    sessions_ = std::make_unique<GuestSessions>(*probes_, dataplane_, inventory_, random_, leases_.get());
  }
  bool dhcp_up_ = true;
  std::unique_ptr<GuestLeases> leases_;
};

TEST_F(GuestLeaseTest, AGuestBootedWithoutDhcpHasNoAddressNoRouteAndNoSsh) {
  const std::string fip = reachable_vm1();
  ASSERT_TRUE(leases_->booted("uuid-bootcampVM-2").ok());  // booted while the agent ran
  clock_.advance(std::chrono::minutes(1));
  const TimePoint outage = clock_.now();
  dhcp_up_ = false;
  ASSERT_TRUE(leases_->booted("uuid-bootcampVM-1").ok());
  EXPECT_EQ(leases_->without_lease("uuid-bootcampVM-1"), std::set<std::string>{vm1_["id"].get<std::string>()});

  const std::string session = console_shell("bootcampVM-1");
  const std::string ifconfig = exec(session, "ifconfig eth0").output;
  EXPECT_TRUE(has(ifconfig, "eth0      Link encap:Ethernet")) << ifconfig;
  EXPECT_FALSE(has(ifconfig, "inet addr:")) << ifconfig;
  EXPECT_TRUE(has(ifconfig, "inet6 addr: fe80::")) << "the link-local address needs no DHCP";
  EXPECT_FALSE(has(exec(session, "ip a").output, "inet " + ip(vm1_)));
  EXPECT_EQ(exec(session, "ip route").output, "");
  ExecOutcome ping = exec(session, "ping -c 3 " + ip(vm2_));
  EXPECT_EQ(ping.exit_status, 1);
  EXPECT_EQ(ping.output,
            "PING " + ip(vm2_) + " (" + ip(vm2_) + "): 56 data bytes\nping: sendto: Network is unreachable\n");
  EXPECT_TRUE(has(ping.events[0].details["reason"].get<std::string>(), "no DHCP lease"))
      << ping.events[0].details.dump();

  SshOutcome out = ssh("cirros", fip, key_.private_key);
  EXPECT_FALSE(out.connected);
  EXPECT_EQ(out.error, "ssh: connect to host " + fip + " port 22: Connection timed out");
  EXPECT_TRUE(has(out.reason, "no DHCP lease")) << out.reason;

  // The guest booted before the outage keeps its lease.
  const std::string other = console_shell("bootcampVM-2");
  EXPECT_TRUE(has(exec(other, "ip a").output, "inet " + ip(vm2_) + "/24")) << "leases persist";
  EXPECT_FALSE(leases_->leased_boot_since(outage));
}

TEST_F(GuestLeaseTest, ARebootAfterTheAgentIsBackRenewsTheLease) {
  const std::string fip = reachable_vm1();
  dhcp_up_ = false;
  const std::string id = "uuid-bootcampVM-1";
  Json running = {{"id", id}, {"vm_state", "active"}, {"power_state", 1}, {"task_state", nullptr}};
  Json spawning = running;
  spawning["task_state"] = "spawning";
  spawning["power_state"] = 0;
  leases_->server_saved(spawning, running);
  EXPECT_EQ(leases_->without_lease(id).size(), 1u);
  dhcp_up_ = true;
  clock_.advance(std::chrono::minutes(1));
  const TimePoint fixed = clock_.now();
  // Saves that boot nothing (a snapshot ending, a metadata change) leave the guest as it was.
  Json snapshotting = running;
  snapshotting["task_state"] = "image_snapshot";
  leases_->server_saved(snapshotting, running);
  leases_->server_saved(running, running);
  EXPECT_EQ(leases_->without_lease(id).size(), 1u);
  EXPECT_FALSE(ssh("cirros", fip, key_.private_key).connected);
  Json rebooting = running;
  rebooting["task_state"] = "reboot_started";
  leases_->server_saved(rebooting, running);
  EXPECT_TRUE(leases_->without_lease(id).empty());
  EXPECT_TRUE(leases_->leased_boot_since(fixed));
  EXPECT_TRUE(ssh("cirros", fip, key_.private_key).connected);
  // Stored: a restarted cloud (new GuestLeases over the same store) knows it.
  GuestLeases again(
      *store_, clock_, [](const std::string&) { return std::vector<GuestLeases::Nic>(); },
      [](const std::string&) { return false; });
  EXPECT_TRUE(again.leased_boot_since(fixed));
}
