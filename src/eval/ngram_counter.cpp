// Linear probing over a power-of-two prefix of one reused slot array, kept at most half
// full, so that a segment's few hundred n-grams stay in cache.
#include "eval/ngram_counter.h"

namespace nmt {

NgramMultiset::NgramMultiset() { clear(0); }

void NgramMultiset::clear(size_t max_keys) {
  size_t capacity = 16;
  while (capacity < 2 * max_keys) capacity *= 2;
  if (capacity > slots_.size()) {
    slots_.assign(capacity, Slot{});
    epoch_ = 0;
  }
  mask_ = capacity - 1;
  // Slots written in an older epoch read as free; on wrap-around, forget every epoch.
  if (++epoch_ == 0) {
    for (Slot& s : slots_) s.epoch = 0;
    epoch_ = 1;
  }
}

}  // namespace nmt
