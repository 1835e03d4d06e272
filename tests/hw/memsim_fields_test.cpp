// The optional memory-device fields memsim adds (docs/hwspecs.md): stack_ids, the extra timings
// and the controller object; absent, they keep the old files valid.

#include <fstream>

#include <gtest/gtest.h>

#include "ridgeline/base/error.hpp"
#include "ridgeline/hw/loader.hpp"

namespace ridgeline::hw {
namespace {

nlohmann::json fixture() {
  std::ifstream in(std::string(RIDGELINE_TEST_DATA_DIR) + "/specs/hbm/test-hbm.json");
  return nlohmann::json::parse(in);
}

TEST(MemsimSpecFields, AbsentFieldsStayAbsent) {
  const MemoryDevice d = memory_device_from_json(fixture(), "test-hbm.json");
  EXPECT_FALSE(d.stack_ids);
  EXPECT_FALSE(d.controller);
  EXPECT_FALSE(d.timing.tCK);
  EXPECT_FALSE(d.timing.tRCDWR);
}

TEST(MemsimSpecFields, ReadsOptionalTimingsStackIdsAndController) {
  auto j = fixture();
  j["stack_ids"] = {{"value", 2}, {"source", "T"}};
  j["timing"]["tCK"] = {{"value", "0.625 ns"}, {"source", "T"}};
  j["timing"]["tRCDWR"] = {{"value", "9.375 ns"}, {"source", "T"}};
  j["timing"]["tREFIpb"] = {{"value", "121.875 ns"}, {"source", "T"}};
  j["controller"] = {{"scope", "channel"},
                     {"scheduler", "frfcfs"},
                     {"dual_issue", true},
                     {"read_queue", {{"value", 128}, {"source", "T"}}},
                     {"write_high", {{"value", 0.8}, {"source", "T"}}},
                     {"act_bus", {{"value", "0.9375 ns"}, {"source", "T"}}}};
  const MemoryDevice d = memory_device_from_json(j, "test-hbm.json");
  ASSERT_TRUE(d.stack_ids);
  EXPECT_EQ(d.stack_ids->value, 2);
  EXPECT_DOUBLE_EQ(d.timing.tCK->value, 0.625e-9);
  EXPECT_DOUBLE_EQ(d.timing.tRCDWR->value, 9.375e-9);
  EXPECT_DOUBLE_EQ(d.timing.tREFIpb->value, 121.875e-9);
  ASSERT_TRUE(d.controller);
  EXPECT_EQ(d.controller->scope, "channel");
  EXPECT_TRUE(d.controller->dual_issue);
  EXPECT_EQ(d.controller->read_queue.value, 128);
  EXPECT_EQ(d.controller->write_queue.value, 64);  // default
  EXPECT_DOUBLE_EQ(d.controller->act_bus->value, 0.9375e-9);
}

TEST(MemsimSpecFields, BadControllerValuesAreReported) {
  auto j = fixture();
  j["controller"] = {
      {"scheduler", "fifo"}, {"read_queue", {{"value", 0}, {"source", "T"}}}, {"queue", 3}};
  try {
    memory_device_from_json(j, "test-hbm.json");
    FAIL() << "accepted";
  } catch (const InputError& error) {
    std::string all;
    for (const auto& p : error.problems()) all += p.where + ": " + p.message + "\n";
    EXPECT_NE(all.find("/controller/scheduler"), std::string::npos) << all;
    EXPECT_NE(all.find("/controller/read_queue"), std::string::npos) << all;
    EXPECT_NE(all.find("queue"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace ridgeline::hw
