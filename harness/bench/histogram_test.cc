#include "harness/bench/histogram.h"

#include <gtest/gtest.h>

namespace kuscia::bench {
namespace {

TEST(LatencyHistogram, BucketsAreContiguousAndContainTheirValues) {
  for (int i = 1; i < LatencyHistogram::kBucketCount; ++i) {
    EXPECT_EQ(LatencyHistogram::LowestValueAt(i), LatencyHistogram::HighestValueAt(i - 1) + 1) << "index " << i;
  }
  for (uint64_t v : std::initializer_list<uint64_t>{0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 123456789ull, 1ull << 40, UINT64_MAX}) {
    int index = LatencyHistogram::IndexFor(v);
    ASSERT_LT(index, LatencyHistogram::kBucketCount);
    EXPECT_LE(LatencyHistogram::LowestValueAt(index), v);
    EXPECT_GE(LatencyHistogram::HighestValueAt(index), v);
  }
}

TEST(LatencyHistogram, RelativeErrorIsBelowOneSixtyFourth) {
  for (uint64_t v = 128; v < (1ull << 50); v = v * 3 + 7) {
    int index = LatencyHistogram::IndexFor(v);
    double width = static_cast<double>(LatencyHistogram::HighestValueAt(index) - LatencyHistogram::LowestValueAt(index));
    EXPECT_LE(width / static_cast<double>(v), 1.0 / 64) << v;
  }
}

TEST(LatencyHistogram, PercentilesOfAUniformSpread) {
  LatencyHistogram h;
  for (uint64_t ms = 1; ms <= 1000; ++ms) h.Record(ms * 1'000'000);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.min(), 1'000'000u);
  EXPECT_EQ(h.max(), 1'000'000'000u);
  EXPECT_NEAR(h.mean(), 500.5e6, 1);
  EXPECT_NEAR(static_cast<double>(h.ValueAtPercentile(50)), 500e6, 500e6 / 64);
  EXPECT_NEAR(static_cast<double>(h.ValueAtPercentile(99)), 990e6, 990e6 / 64);
  EXPECT_NEAR(static_cast<double>(h.ValueAtPercentile(99.9)), 999e6, 999e6 / 64);
  EXPECT_EQ(h.ValueAtPercentile(100), h.max());
  EXPECT_EQ(h.ValueAtPercentile(0), h.min());
}

TEST(LatencyHistogram, EmptyReportsZeroes) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsExtremes) {
  LatencyHistogram a, b;
  a.Record(10);
  b.Record(5'000);
  b.Record(7);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 7u);
  EXPECT_EQ(a.max(), 5'000u);
  EXPECT_EQ(a.ValueAtPercentile(50), 10u);
}

}  // namespace
}  // namespace kuscia::bench
