#include "metrics/api_metrics.h"

#include <prometheus/text_serializer.h>

namespace stacklab::metrics {

ApiMetrics::ApiMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("stacklab_http_requests_total")
                   .Help("HTTP requests answered, by service, method, route and status")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("stacklab_http_request_duration_seconds")
                  .Help("Time from a request's arrival to its response, by service, method and route")
                  .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("stacklab_http_requests_in_flight")
                    .Help("Requests received and not yet answered")
                    .Register(*registry_)
                    .Add({});
  auto& tokens = prometheus::BuildCounter()
                     .Name("stacklab_identity_tokens_total")
                     .Help("Identity tokens issued, validated (valid or invalid) and revoked")
                     .Register(*registry_);
  tokens_issued_ = &tokens.Add({{"event", "issued"}});
  tokens_valid_ = &tokens.Add({{"event", "validated"}});
  tokens_invalid_ = &tokens.Add({{"event", "rejected"}});
  tokens_revoked_ = &tokens.Add({{"event", "revoked"}});
}

void ApiMetrics::observe_request(const std::string& service, const std::string& method, const std::string& route,
                                 int status, double seconds) {
  requests_->Add({{"service", service}, {"method", method}, {"route", route}, {"status", std::to_string(status)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                  0.05,   0.1,   0.25,   0.5,   1,    2.5};
  latency_->Add({{"service", service}, {"method", method}, {"route", route}}, buckets).Observe(seconds);
}

prometheus::Gauge& ApiMetrics::gauge(const std::string& name, const std::string& help,
                                     const std::map<std::string, std::string>& labels) {
  std::lock_guard lock(gauges_mu_);
  auto& fam = gauges_[name];
  if (!fam) fam = &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  return fam->Add(labels);
}

std::string ApiMetrics::serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect());
}

}  // namespace stacklab::metrics
