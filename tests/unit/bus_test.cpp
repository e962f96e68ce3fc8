#include "engine/core/bus.h"

#include <gtest/gtest.h>

#include <future>

#include "engine/core/runtime.h"

using namespace stacklab;

TEST(InProcessBus, CallRepliesWithTheServersResult) {
  Runtime rt(Runtime::Mode::kVirtualTime);
  rt.start();
  InProcessBus bus(rt);
  rt.run([&] {
    bus.serve("scheduler", [](const std::string& method, const Json& args) -> Result<Json> {
      if (method != "select_destinations") return NotFound("no method " + method);
      return Json{{"host", "node-" + std::to_string(args["n"].get<int>())}};
    });
    return 0;
  });
  std::promise<Result<Json>> got;
  bus.call("scheduler", "select_destinations", {{"n", 3}}, [&](Result<Json> r) { got.set_value(r); });
  auto r = got.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["host"], "node-3");
  rt.stop();
}

TEST(InProcessBus, CallToUnservedTopicIsNotFound) {
  Runtime rt(Runtime::Mode::kVirtualTime);
  rt.start();
  InProcessBus bus(rt);
  std::promise<Result<Json>> got;
  bus.call("compute.nowhere", "spawn", {}, [&](Result<Json> r) { got.set_value(r); });
  EXPECT_EQ(got.get_future().get().status().code(), Code::kNotFound);
  rt.stop();
}

TEST(InProcessBus, CastsArriveInOrderOnTheLoop) {
  Runtime rt(Runtime::Mode::kVirtualTime);
  rt.start();
  InProcessBus bus(rt);
  std::vector<int> seen;
  bool on_loop = true;
  rt.run([&] {
    bus.serve("compute.host1", [&](const std::string&, const Json& a) -> Result<Json> {
      on_loop = on_loop && rt.on_loop();
      seen.push_back(a["i"]);
      return Json();
    });
    return 0;
  });
  for (int i = 0; i < 100; ++i) bus.cast("compute.host1", "reboot", {{"i", i}});
  rt.run([] { return 0; });  // drains what was queued before it
  EXPECT_TRUE(on_loop);
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(bus.queue_depth(), 0u);
  rt.stop();
}

TEST(Runtime, OffloadRunsWorkOffTheLoopAndContinuesOnIt) {
  Runtime rt(Runtime::Mode::kVirtualTime);
  rt.start();
  std::promise<std::pair<bool, bool>> got;
  rt.post([&] {
    auto work_on_loop = std::make_shared<bool>(true);
    rt.offload([&rt, work_on_loop] { *work_on_loop = rt.on_loop(); },
               [&rt, &got, work_on_loop] {
                 got.set_value({*work_on_loop, rt.on_loop()});
               });
  });
  auto [work_on_loop, then_on_loop] = got.get_future().get();
  EXPECT_FALSE(work_on_loop);
  EXPECT_TRUE(then_on_loop);
  rt.stop();
}
