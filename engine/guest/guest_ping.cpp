#include "engine/guest/guest_ping.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace stacklab::guest {

namespace {

// A fixed jitter of up to +40% per packet, from the target and the sequence number.
std::vector<double> round_trips(const std::string& target, int count, double base) {
  unsigned h = 0;
  for (unsigned char c : target) h = h * 31 + c;
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(base * (1.0 + static_cast<double>((h + 7919u * i) % 40) / 100.0));
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// iputils prints three significant digits.
std::string iputils_time(double ms) { return fixed(ms, ms < 1 ? 3 : ms < 10 ? 2 : 1); }

}  // namespace

int ping_exit_status(const GuestOs& os, const PingAnswer& answer) {
  if (answer.reachable) return 0;
  return answer.no_route && !os.busybox() ? 2 : 1;
}

std::string ping_output(const GuestOs& os, const std::string& target, int count, const PingAnswer& answer) {
  // Without a route the first send fails: busybox says so after its banner, iputils before any.
  if (answer.no_route)
    return os.busybox() ? "PING " + target + " (" + target + "): 56 data bytes\nping: sendto: Network is unreachable\n"
                        : "connect: Network is unreachable\n";
  const std::vector<double> rtt = round_trips(target, count, answer.rtt_ms);
  const int received = answer.reachable ? count : 0;
  const int loss = count == 0 ? 0 : 100 * (count - received) / count;
  double min = 0, max = 0, sum = 0;
  if (received > 0) {
    min = *std::min_element(rtt.begin(), rtt.end());
    max = *std::max_element(rtt.begin(), rtt.end());
    for (double t : rtt) sum += t;
  }
  const double avg = received > 0 ? sum / received : 0;
  std::string out;
  if (os.busybox()) {
    out = "PING " + target + " (" + target + "): 56 data bytes\n";
    for (int i = 0; i < received; ++i)
      out += "64 bytes from " + target + ": seq=" + std::to_string(i) + " ttl=" + std::to_string(answer.ttl) +
             " time=" + fixed(rtt[i], 3) + " ms\n";
    out += "\n--- " + target + " ping statistics ---\n" + std::to_string(count) + " packets transmitted, " +
           std::to_string(received) + " packets received, " + std::to_string(loss) + "% packet loss\n";
    if (received > 0)
      out += "round-trip min/avg/max = " + fixed(min, 3) + "/" + fixed(avg, 3) + "/" + fixed(max, 3) + " ms\n";
    return out;
  }
  out = "PING " + target + " (" + target + ") 56(84) bytes of data.\n";
  for (int i = 0; i < received; ++i)
    out += "64 bytes from " + target + ": icmp_seq=" + std::to_string(i + 1) + " ttl=" + std::to_string(answer.ttl) +
           " time=" + iputils_time(rtt[i]) + " ms\n";
  const int elapsed = count > 0 ? (count - 1) * 1000 + (received > 0 ? 3 : 15) : 0;
  out += "\n--- " + target + " ping statistics ---\n" + std::to_string(count) + " packets transmitted, " +
         std::to_string(received) + " received, " + std::to_string(loss) + "% packet loss, time " +
         std::to_string(elapsed) + "ms\n";
  if (received > 0) {
    double var = 0;
    for (double t : rtt) var += (t - avg) * (t - avg);
    out += "rtt min/avg/max/mdev = " + fixed(min, 3) + "/" + fixed(avg, 3) + "/" + fixed(max, 3) + "/" +
           fixed(std::sqrt(var / received), 3) + " ms\n";
  }
  return out;
}

}  // namespace stacklab::guest
