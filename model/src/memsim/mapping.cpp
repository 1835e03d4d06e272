#include "ridgeline/memsim/mapping.hpp"

#include <bit>
#include <map>

#include "ridgeline/base/error.hpp"

namespace ridgeline::memsim {
namespace {

int log2_exact(std::int64_t value) {
  return static_cast<int>(std::bit_width(static_cast<std::uint64_t>(value)) - 1);
}

enum Field { kRo, kRa, kSi, kBg, kBa, kPc, kCh, kCo, kFields };

// A plain bit order: each field takes log2(size) consecutive bits.
class BitOrderMapping : public AddressMapping {
 public:
  BitOrderMapping(const Geometry& geometry, const std::string& order, bool xor_banks)
      : order_(order), xor_(xor_banks) {
    const std::map<std::string, Field> names{{"Ro", kRo}, {"Ra", kRa}, {"Si", kSi}, {"Bg", kBg},
                                             {"Ba", kBa}, {"Pc", kPc}, {"Ch", kCh}, {"Co", kCo}};
    width_[kRo] = log2_exact(geometry.rows);
    width_[kRa] = 0;
    width_[kSi] = log2_exact(geometry.stack_ids);
    width_[kBg] = log2_exact(geometry.bank_groups);
    width_[kBa] = log2_exact(geometry.banks_per_group);
    width_[kPc] = log2_exact(geometry.pseudo_channels);
    width_[kCh] = log2_exact(geometry.total_channels());
    width_[kCo] = log2_exact(geometry.columns);
    offset_bits_ = log2_exact(geometry.burst_bytes);
    const auto bad = [&](const std::string& why) {
      throw InputError("", "--mapping",
                       "mapping '" + order + "': " + why +
                           " (expected a bit order MSB to LSB such as "
                           "RoBaBgSiPcCoCh, with Ro Ra Si Bg Ba Pc Ch Co)");
    };
    if (order.size() % 2 != 0) bad("fields are two letters each");
    bool seen[kFields] = {};
    std::vector<Field> fields;
    for (std::size_t i = 0; i < order.size(); i += 2) {
      const auto it = names.find(order.substr(i, 2));
      if (it == names.end()) bad("unknown field '" + order.substr(i, 2) + "'");
      if (seen[it->second]) bad("field '" + order.substr(i, 2) + "' given twice");
      seen[it->second] = true;
      fields.push_back(it->second);
    }
    for (int f = 0; f < kFields; ++f) {
      if (!seen[f] && width_[f] > 0) {
        static const char* kNames[] = {"Ro", "Ra", "Si", "Bg", "Ba", "Pc", "Ch", "Co"};
        bad(std::string("field '") + kNames[f] + "' is missing");
      }
    }
    // Fields from the LSB up. A field of a power-of-two size takes log2(size) bits; any other size
    // (HBM3E 24 Gb dies: 24576 rows; 3 stack IDs x 4 bank groups) is a mixed-radix digit, the
    // same split generalised: value = rest mod size, rest = rest / size.
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) order_lsb_.push_back(*it);
    size_[kRo] = geometry.rows;
    size_[kRa] = 1;
    size_[kSi] = geometry.stack_ids;
    size_[kBg] = geometry.bank_groups;
    size_[kBa] = geometry.banks_per_group;
    size_[kPc] = geometry.pseudo_channels;
    size_[kCh] = geometry.total_channels();
    size_[kCo] = geometry.columns;
    for (int f = 0; f < kFields; ++f) pow2_[f] = (size_[f] & (size_[f] - 1)) == 0;
  }

  Location map(std::uint64_t address) const override {
    std::int64_t value[kFields] = {};
    std::uint64_t rest = address >> offset_bits_;
    for (const Field f : order_lsb_) {
      const auto size = static_cast<std::uint64_t>(size_[f]);
      if (pow2_[f]) {
        value[f] = static_cast<std::int64_t>(rest & (size - 1));
        rest >>= width_[f];
      } else {
        value[f] = static_cast<std::int64_t>(rest % size);
        rest /= size;
      }
    }
    Location l;
    l.channel = static_cast<int>(value[kCh]);
    l.pseudo_channel = static_cast<int>(value[kPc]);
    l.stack_id = static_cast<int>(value[kSi]);
    l.bank_group = static_cast<int>(value[kBg]);
    l.bank = static_cast<int>(value[kBa]);
    l.row = value[kRo];
    l.column = value[kCo];
    if (xor_) {
      // Bank and bank-group indices hashed with the lowest row bits (XOR for powers of two, a
      // modular add otherwise): rows that collide in a bank under the plain order spread out.
      const auto row = static_cast<std::uint64_t>(l.row);
      const auto banks = static_cast<std::uint64_t>(size_[kBa]);
      const auto groups = static_cast<std::uint64_t>(size_[kBg]);
      l.bank =
          static_cast<int>(pow2_[kBa] ? (static_cast<std::uint64_t>(l.bank) ^ (row & (banks - 1)))
                                      : (static_cast<std::uint64_t>(l.bank) + row) % banks);
      const std::uint64_t high = row / banks;
      l.bank_group = static_cast<int>(
          pow2_[kBg] ? (static_cast<std::uint64_t>(l.bank_group) ^ (high & (groups - 1)))
                     : (static_cast<std::uint64_t>(l.bank_group) + high) % groups);
    }
    return l;
  }

  std::string describe() const override { return order_ + (xor_ ? "+xor" : ""); }

  bool slice_layout(SliceLayout& layout) const override {
    if (xor_ && !(pow2_[kBa] && pow2_[kBg])) return false;
    BitSlice slice[kFields] = {};
    int shift = offset_bits_;
    for (std::size_t i = 0; i < order_lsb_.size(); ++i) {
      const Field f = order_lsb_[i];
      const bool top = i + 1 == order_lsb_.size();
      if (!pow2_[f] && !top) return false;
      slice[f].shift = shift;
      // The top field's value is every bit above the others (below its size for addresses inside
      // the device, the same as map()'s remainder).
      slice[f].mask = top ? ~std::uint64_t{0} >> shift : static_cast<std::uint64_t>(size_[f]) - 1;
      shift += width_[f];
    }
    // Fields of size 1 that the order leaves out decode to 0.
    layout.channel = slice[kCh];
    layout.pseudo_channel = slice[kPc];
    layout.stack_id = slice[kSi];
    layout.bank_group = slice[kBg];
    layout.bank = slice[kBa];
    layout.row = slice[kRo];
    layout.xor_banks = xor_;
    layout.bank_bits = width_[kBa];
    return true;
  }

 private:
  std::string order_;
  bool xor_;
  int width_[kFields] = {};
  std::int64_t size_[kFields] = {};
  bool pow2_[kFields] = {};
  std::vector<Field> order_lsb_;
  int offset_bits_ = 0;
};

std::vector<MappingKind>& registry() {
  static std::vector<MappingKind> kinds;
  return kinds;
}

const bool kBits = register_mapping_kind(
    {"bits", "A bit order MSB to LSB, e.g. RoBaBgSiPcCoCh (DRAMSim3 / Ramulator notation)",
     [](const Geometry& g, const std::string& spec) {
       return std::make_unique<BitOrderMapping>(g, spec, false);
     }});
const bool kXor = register_mapping_kind(
    {"xor", "A bit order with '+xor': bank and bank-group bits XOR-hashed with the low row bits",
     [](const Geometry& g, const std::string& spec) {
       return std::make_unique<BitOrderMapping>(g, spec.substr(0, spec.size() - 4), true);
     }});

}  // namespace

bool register_mapping_kind(MappingKind kind) {
  registry().push_back(std::move(kind));
  return true;
}

const std::vector<MappingKind>& mapping_kinds() {
  return registry();
}

std::unique_ptr<AddressMapping> make_mapping(const Geometry& geometry, const std::string& spec) {
  const bool hashed = spec.size() > 4 && spec.substr(spec.size() - 4) == "+xor";
  for (const auto& kind : registry()) {
    if (kind.name == (hashed ? "xor" : "bits")) return kind.factory(geometry, spec);
  }
  throw InputError("", "--mapping", "no mapping kind for '" + spec + "'");
}

}  // namespace ridgeline::memsim
