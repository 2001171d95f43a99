// A multiset of n-grams for one reference segment, shared by BLEU (word n-grams) and chrF
// (character n-grams). Keys are exact, so matching never depends on hash collisions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nmt {

/// An n-gram of up to 4 32-bit token ids or up to 6 21-bit code points, packed exactly.
/// Unused positions are 0, so ids and code points must be stored as value + 1 (never 0);
/// n-grams of different lengths then never compare equal.
struct NgramKey {
  uint64_t lo = 0, hi = 0;
  bool operator==(const NgramKey& o) const { return lo == o.lo && hi == o.hi; }
};

/// Counts reference n-grams and hands them out once each, which clips hypothesis matches:
/// taking every hypothesis n-gram in turn succeeds sum_g min(count_hyp(g), count_ref(g))
/// times. Open addressing; clear() is O(1) because slots carry the epoch that wrote them.
class NgramMultiset {
 public:
  /// What take() found.
  enum class Take {
    kTaken,      ///< one occurrence was removed
    kExhausted,  ///< the reference has this n-gram, but every occurrence is taken
    kAbsent,     ///< the reference never had it, nor any n-gram extending it
  };

  NgramMultiset();
  /// Empties the set and sizes it for up to `max_keys` insertions.
  void clear(size_t max_keys);
  void insert(const NgramKey& key);
  /// Removes one occurrence of `key` if one is left.
  Take take(const NgramKey& key);

 private:
  struct Slot {
    NgramKey key;
    uint32_t count = 0;
    uint32_t epoch = 0;
  };
  // The slot holding `key`, or the free slot where it belongs.
  Slot& find(const NgramKey& key);

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t epoch_ = 0;
};

// Defined here so that they inline into the per-n-gram loops of the metrics, which call
// them tens of millions of times for a 100k-segment corpus.

inline NgramMultiset::Slot& NgramMultiset::find(const NgramKey& key) {
  uint64_t h = key.lo * 0x9E3779B97F4A7C15ull ^ key.hi * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 32;  // products carry low bits only upward; fold the high half back down
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.epoch != epoch_ || s.key == key) return s;
  }
}

inline void NgramMultiset::insert(const NgramKey& key) {
  Slot& s = find(key);
  if (s.epoch != epoch_) s = Slot{key, 0, epoch_};
  ++s.count;
}

inline NgramMultiset::Take NgramMultiset::take(const NgramKey& key) {
  Slot& s = find(key);
  if (s.epoch != epoch_) return Take::kAbsent;
  if (s.count == 0) return Take::kExhausted;
  --s.count;
  return Take::kTaken;
}

}  // namespace nmt
