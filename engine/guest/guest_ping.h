// What `ping` prints inside a guest: busybox's format on cirros, iputils'
// on Ubuntu and CentOS, with the statistics block. The verdict (does the
// echo come back, after how many routers) is the data plane's; this file
// only writes it the way the guest's tool would. Round-trip times are made
// up, but the same for the same ping: no clock, no global randomness.
#pragma once

#include <string>

#include "engine/guest/guest_os.h"

namespace stacklab::guest {

// The answer to one ping as the data plane gives it.
struct PingAnswer {
  bool reachable = false;
  int ttl = 64;           // what the replies carry: 64 less one per router; the internet's are lower
  double rtt_ms = 0.5;    // a typical round trip to that destination
  bool no_route = false;  // the guest has no address of that family: nothing is sent ("Network is unreachable")
};

// `ping -c count target` as the guest's tool prints it.
std::string ping_output(const GuestOs& os, const std::string& target, int count, const PingAnswer& answer);
// Its exit status: 0 when replies came, else 1; iputils' 2 when it could not send at all.
int ping_exit_status(const GuestOs& os, const PingAnswer& answer);

}  // namespace stacklab::guest
