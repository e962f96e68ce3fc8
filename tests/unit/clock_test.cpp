#include "engine/core/clock.h"

#include <gtest/gtest.h>

#include "engine/core/random.h"
#include "engine/core/timeutil.h"

using namespace stacklab;
using namespace std::chrono_literals;

TEST(ManualClock, FiresTimersInTimeOrderOnlyWhenAdvanced) {
  ManualClock clock;
  std::vector<int> fired;
  clock.schedule(20s, [&] { fired.push_back(2); });
  clock.schedule(10s, [&] { fired.push_back(1); });
  clock.advance(5s);
  EXPECT_TRUE(fired.empty());
  clock.advance(20s);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(ManualClock, NowIsTheTimerDueTimeInsideItsCallback) {
  ManualClock clock;
  TimePoint start = clock.now(), seen;
  clock.schedule(7s, [&] { seen = clock.now(); });
  clock.advance(60s);
  EXPECT_EQ(seen - start, Duration(7s));
  EXPECT_EQ(clock.now() - start, Duration(60s));
}

TEST(ManualClock, CancelledTimerNeverFires) {
  ManualClock clock;
  bool fired = false;
  auto id = clock.schedule(1s, [&] { fired = true; });
  clock.cancel(id);
  clock.advance(2s);
  EXPECT_FALSE(fired);
}

TEST(ManualClock, TimerMayScheduleAnotherWithinTheSameAdvance) {
  ManualClock clock;
  int count = 0;
  clock.schedule(1s, [&] {
    ++count;
    clock.schedule(1s, [&] { ++count; });
  });
  clock.advance(3s);
  EXPECT_EQ(count, 2);
}

TEST(SeededRandom, SameSeedGivesSameIds) {
  SeededRandom a(7), b(7), c(8);
  std::string x = a.hex_id();
  EXPECT_EQ(x, b.hex_id());
  EXPECT_NE(x, c.hex_id());
  EXPECT_EQ(x.size(), 32u);
  EXPECT_EQ(a.uuid4().size(), 36u);
}

TEST(TimeUtil, FormatsAndParsesIso8601) {
  TimePoint t(std::chrono::microseconds(1764079849123456LL));
  EXPECT_EQ(format_iso_micro(t), "2025-11-25T14:10:49.123456Z");
  EXPECT_EQ(format_iso_seconds(t), "2025-11-25T14:10:49Z");
  auto back = parse_iso("2025-11-25T14:10:49.123456Z");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, t);
  EXPECT_TRUE(parse_iso("2025-11-25T14:10:49"));
  EXPECT_FALSE(parse_iso("yesterday"));
  EXPECT_FALSE(parse_iso("2025-13-25T14:10:49Z"));
}
