#include "harness/bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kuscia::bench {

int LatencyHistogram::IndexFor(uint64_t nanos) {
  int msb = 63 - std::countl_zero(nanos | 1);
  if (msb < kSubBucketBits) return static_cast<int>(nanos);
  int shift = msb - kSubBucketBits + 1;
  // (nanos >> shift) lies in [64, 128): the upper half of the sub-buckets, so ranges never overlap.
  return shift * kHalfSubBuckets + static_cast<int>(nanos >> shift);
}

uint64_t LatencyHistogram::LowestValueAt(int index) {
  if (index < 2 * kHalfSubBuckets) return static_cast<uint64_t>(index);
  int shift = index / kHalfSubBuckets - 1;
  uint64_t sub = static_cast<uint64_t>(index - shift * kHalfSubBuckets);
  return sub << shift;
}

uint64_t LatencyHistogram::HighestValueAt(int index) {
  if (index < 2 * kHalfSubBuckets) return static_cast<uint64_t>(index);
  int shift = index / kHalfSubBuckets - 1;
  uint64_t sub = static_cast<uint64_t>(index - shift * kHalfSubBuckets);
  if (shift == 63 - kSubBucketBits + 1 && sub == 2 * kHalfSubBuckets - 1) return UINT64_MAX;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::Record(uint64_t nanos) {
  ++counts_[static_cast<size_t>(IndexFor(nanos))];
  ++count_;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
  sum_ += nanos;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  if (percentile == 0.0) return min_;
  auto wanted = static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  wanted = std::clamp<uint64_t>(wanted, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) {
      return std::clamp(HighestValueAt(static_cast<int>(i)), min_, max_);
    }
  }
  return max_;
}

}  // namespace kuscia::bench
