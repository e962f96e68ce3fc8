#include "engine/core/bus.h"

#include <utility>

#include "engine/core/log.h"
#include "engine/core/runtime.h"

namespace stacklab {

void InProcessBus::serve(const std::string& topic, Handler handler) { servers_[topic] = std::move(handler); }

void InProcessBus::cast(const std::string& topic, const std::string& method, Json args) {
  ++depth_;
  runtime_.post([this, topic, method, args = std::move(args)] {
    --depth_;
    auto it = servers_.find(topic);
    if (it == servers_.end()) {
      Log::get("bus").warning("cast to unserved topic " + topic + " (" + method + ") dropped");
      return;
    }
    it->second(method, args);
  });
}

void InProcessBus::call(const std::string& topic, const std::string& method, Json args, Reply reply) {
  ++depth_;
  runtime_.post([this, topic, method, args = std::move(args), reply = std::move(reply)] {
    --depth_;
    auto it = servers_.find(topic);
    if (it == servers_.end()) {
      reply(NotFound("no server for topic " + topic));
      return;
    }
    reply(it->second(method, args));
  });
}

}  // namespace stacklab
