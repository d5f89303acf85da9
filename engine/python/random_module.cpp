// The `random` module: CPython's Mersenne Twister (_randommodule.c and
// random.py's _randbelow), bit for bit, so a seeded scenario draws the
// numbers CPython draws: seed(), random(), uniform(), randint(), choice().
// Seeded by `seed:` in the scenario, else by the clock.
#include "engine/python/random_module.h"

#include <algorithm>
#include <chrono>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

namespace {

struct MersenneTwister : Object {
  uint32_t mt[624];
  int index = 625;
  MersenneTwister() : Object(ObjKind::Misc) {}
  void init_genrand(uint32_t s) {
    mt[0] = s;
    for (int i = 1; i < 624; ++i) mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + uint32_t(i);
    index = 624;
  }
  void init_by_array(const std::vector<uint32_t>& key) {
    init_genrand(19650218U);
    size_t i = 1, j = 0, k = std::max<size_t>(624, key.size());
    for (; k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + uint32_t(j);
      ++i; ++j;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
      if (j >= key.size()) j = 0;
    }
    for (k = 623; k; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - uint32_t(i);
      ++i;
      if (i >= 624) { mt[0] = mt[623]; i = 1; }
    }
    mt[0] = 0x80000000U;
  }
  uint32_t next() {
    static const uint32_t mag01[2] = {0, 0x9908b0dfU};
    if (index >= 624) {
      int kk = 0;
      uint32_t y;
      for (; kk < 624 - 397; ++kk) {
        y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
        mt[kk] = mt[kk + 397] ^ (y >> 1) ^ mag01[y & 1];
      }
      for (; kk < 623; ++kk) {
        y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
        mt[kk] = mt[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1];
      }
      y = (mt[623] & 0x80000000U) | (mt[0] & 0x7fffffffU);
      mt[623] = mt[396] ^ (y >> 1) ^ mag01[y & 1];
      index = 0;
    }
    uint32_t y = mt[index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
  }
  double random() {
    uint32_t a = next() >> 5, b = next() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }
  // random_getrandbits: 32-bit words, least significant first; the last
  // word keeps only its top bits.
  unsigned __int128 getrandbits(int k) {
    unsigned __int128 r = 0;
    for (int shift = 0; k > 0; shift += 32, k -= 32) {
      uint32_t w = next();
      if (k < 32) w >>= (32 - k);
      r |= (unsigned __int128)w << shift;
    }
    return r;
  }
  // _randbelow_with_getrandbits(n), for 1 <= n <= 2**64.
  uint64_t randbelow(unsigned __int128 n) {
    int k = 0;
    for (unsigned __int128 m = n; m; m >>= 1) ++k;
    unsigned __int128 r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return uint64_t(r);
  }
  // Seeding walks the 624-word state twice: done when the program first
  // draws a number, not for every run (most never do).
  int64_t initial_seed = 0;
  bool seeded = false;
  void seed(int64_t n) {
    seeded = true;
    uint64_t u = n < 0 ? uint64_t(-(n + 1)) + 1 : uint64_t(n);
    std::vector<uint32_t> key;
    while (u) { key.push_back(uint32_t(u & 0xffffffffU)); u >>= 32; }
    if (key.empty()) key.push_back(0);
    init_by_array(key);
  }
};

MersenneTwister* rng_of(const Value& self) {
  MersenneTwister* rng = self.as<MersenneTwister>();
  if (!rng->seeded) rng->seed(rng->initial_seed);
  return rng;
}

Value r_seed(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1 || !a.pos[0].is_intlike()) in.raise(in.builtins().TypeError, "corun's random.seed() takes one integer");
  self.as<MersenneTwister>()->seed(a.pos[0].as_int());
  return Value();
}

Value r_random(Interp& in, const Value& self, CallArgs& a) { return Value::flt(rng_of(self)->random()); }

Value r_uniform(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is_number() || !a.pos[1].is_number())
    in.raise(in.builtins().TypeError, "uniform() takes 2 numbers");
  double lo = a.pos[0].as_double(), hi = a.pos[1].as_double();
  return Value::flt(lo + (hi - lo) * rng_of(self)->random());
}

Value r_randint(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 2 || !a.pos[0].is_intlike() || !a.pos[1].is_intlike())
    in.raise(in.builtins().TypeError, "randint() takes 2 integers");
  int64_t lo = a.pos[0].as_int(), hi = a.pos[1].as_int();
  if (hi < lo)
    in.raise(in.builtins().ValueError, "empty range for randrange() (" + std::to_string(lo) + ", " + std::to_string(__int128(hi) + 1 <= INT64_MAX ? hi + 1 : hi) +
                                           ", " + std::to_string(int64_t((__int128(hi) + 1 - lo))) + ")");
  unsigned __int128 n = (unsigned __int128)((__int128)hi - lo + 1);
  return Value::integer(int64_t((__int128)lo + rng_of(self)->randbelow(n)));
}

Value r_choice(Interp& in, const Value& self, CallArgs& a) {
  if (a.npos != 1) in.raise(in.builtins().TypeError, "choice() takes 1 argument");
  if (a.pos[0].is(ObjKind::Range)) {  // index a range, never build it
    auto* r = a.pos[0].as<RangeObj>();
    unsigned __int128 n = r->length_wide();
    if (n == 0) in.raise(in.builtins().IndexError, "Cannot choose from an empty sequence");
    return Value::integer(int64_t((__int128)r->start + (__int128)rng_of(self)->randbelow(n) * r->step));
  }
  std::vector<Value> items = in.to_vector(a.pos[0]);
  if (items.empty()) in.raise(in.builtins().IndexError, "Cannot choose from an empty sequence");
  return items[rng_of(self)->randbelow(items.size())];
}

}  // namespace

Value make_random_module(Interp& in, Builtins&) {
  Ref<MersenneTwister> rng(new MersenneTwister());
  const Program& p = in.program();
  rng->initial_seed = p.has_seed ? p.seed : int64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  Ref<ModuleObj> m(new ModuleObj("random"));
  auto fn = [&](const char* name, Builtin f) { m->attrs.emplace_back(name, Value(new BuiltinObj(name, f, Value(rng)))); };
  fn("seed", r_seed);
  fn("random", r_random);
  fn("uniform", r_uniform);
  fn("randint", r_randint);
  fn("choice", r_choice);
  return Value(m);
}

}  // namespace corun
