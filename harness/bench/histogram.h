// LatencyHistogram: an HDR-style log-linear histogram of durations in nanoseconds. Recording is a few
// integer operations and never allocates, so the load generator can record every request; percentiles
// are exact to within 1/64 (~1.6%) of the value, min, max and mean are exact.
//
//   LatencyHistogram h;
//   h.Record(1'250'000);                 // 1.25 ms
//   uint64_t p99 = h.ValueAtPercentile(99.0);
//   total.Merge(h);                      // one histogram per thread, merged at the end
#pragma once

#include <array>
#include <cstdint>

namespace kuscia::bench {

class LatencyHistogram {
 public:
  // 2^7 linear sub-buckets in the first range, then 64 per power of two: relative error <= 1/64.
  static constexpr int kSubBucketBits = 7;
  static constexpr int kHalfSubBuckets = 1 << (kSubBucketBits - 1);
  static constexpr int kBucketCount = (64 - kSubBucketBits + 1) * kHalfSubBuckets + kHalfSubBuckets;

  void Record(uint64_t nanos);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }

  // The smallest recorded value v such that at least `percentile`% of the records are <= v, reported as the
  // top of v's bucket (clamped to the exact max). 0 when empty. `percentile` is clamped to [0, 100].
  uint64_t ValueAtPercentile(double percentile) const;

  // Bucket arithmetic, public for tests.
  static int IndexFor(uint64_t nanos);
  static uint64_t LowestValueAt(int index);
  static uint64_t HighestValueAt(int index);

 private:
  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  unsigned __int128 sum_ = 0;
};

}  // namespace kuscia::bench
