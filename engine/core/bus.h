// Bus: how services inside the cloud talk, with OpenStack's two RPC modes.
//
//   cast(topic, method, args)          fire and forget
//   call(topic, method, args, reply)   one reply, delivered on the engine loop
//
// Topics are like oslo.messaging's: "scheduler", "conductor", "compute.<host>".
// Messages are JSON so that an AMQP transport can carry the same bytes across
// machines later; InProcessBus delivers through the runtime's loop.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/status.h"

namespace stacklab {

class Runtime;

using Json = nlohmann::json;

class Bus {
 public:
  using Handler = std::function<Result<Json>(const std::string& method, const Json& args)>;
  using Reply = std::function<void(Result<Json>)>;
  virtual ~Bus() = default;

  // Registers the server for `topic`; one per topic (a later one replaces it).
  virtual void serve(const std::string& topic, Handler handler) = 0;
  // Delivers later; an unserved topic drops the message (and logs it).
  virtual void cast(const std::string& topic, const std::string& method, Json args) = 0;
  // Delivers later; `reply` gets the handler's result, or NotFound for an unserved topic.
  virtual void call(const std::string& topic, const std::string& method, Json args, Reply reply) = 0;
  // Messages queued and not yet handled.
  virtual std::size_t queue_depth() const = 0;
};

class InProcessBus final : public Bus {
 public:
  explicit InProcessBus(Runtime& runtime) : runtime_(runtime) {}
  void serve(const std::string& topic, Handler handler) override;
  void cast(const std::string& topic, const std::string& method, Json args) override;
  void call(const std::string& topic, const std::string& method, Json args, Reply reply) override;
  std::size_t queue_depth() const override { return depth_; }

 private:
  Runtime& runtime_;
  std::map<std::string, Handler> servers_;
  std::atomic<std::size_t> depth_{0};
};

}  // namespace stacklab
