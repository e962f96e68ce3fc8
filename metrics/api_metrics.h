// ApiMetrics: the Prometheus metrics of the HTTP API and of identity, in one
// prometheus-cpp registry, served as text at /metrics.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace stacklab::metrics {

class ApiMetrics {
 public:
  ApiMetrics();

  // One finished request: counts it and observes its latency.
  void observe_request(const std::string& service, const std::string& method, const std::string& route, int status,
                       double seconds);
  void request_started() { in_flight_->Increment(); }
  void request_finished() { in_flight_->Decrement(); }
  void token_issued() { tokens_issued_->Increment(); }
  void token_validation(bool ok) { (ok ? tokens_valid_ : tokens_invalid_)->Increment(); }
  void token_revoked() { tokens_revoked_->Increment(); }

  // Gauges that other parts of the cloud set (e.g. "openstack_identity_projects").
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const std::map<std::string, std::string>& labels = {});

  // The Prometheus text exposition of every metric.
  std::string serialize() const;
  prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Gauge* in_flight_;
  prometheus::Counter *tokens_issued_, *tokens_valid_, *tokens_invalid_, *tokens_revoked_;
  std::mutex gauges_mu_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_;
};

}  // namespace stacklab::metrics
