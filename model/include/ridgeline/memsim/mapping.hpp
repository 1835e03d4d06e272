#pragma once
// Address mappings: how a physical address is split into channel, pseudo-channel, stack ID, bank
// group, bank, row and column. Pluggable: each kind registers itself by name (Ramulator 2 style);
// `make_mapping` resolves a user's --mapping string.
//
// Bit orders are written MSB to LSB in two-letter fields, as DRAMSim3 and Ramulator write them:
// Ro (row), Ra (rank, 0 bits: Ridgeline devices have one rank), Si (stack ID), Bg (bank group),
// Ba (bank), Pc (pseudo-channel), Ch (channel, including the stack when --stacks > 1), Co (column).
// The burst offset sits below them all. A suffix "+xor" hashes the bank and bank-group bits with
// the lowest row bits (permutation-based interleaving, Zhang et al., MICRO 2000).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ridgeline/memsim/device.hpp"

namespace ridgeline::memsim {

struct Location {
  int channel = 0;  // across stacks
  int pseudo_channel = 0;
  int stack_id = 0;
  int bank_group = 0;
  int bank = 0;  // within its group
  std::int64_t row = 0;
  std::int64_t column = 0;
};

// A run of address bits holding one field: (address >> shift) & mask.
struct BitSlice {
  int shift = 0;
  std::uint64_t mask = 0;
  std::uint64_t of(std::uint64_t address) const { return (address >> shift) & mask; }
};

// The fields of a mapping that are each a run of address bits, so that a decoder on the hot path
// extracts them with a shift and a mask rather than a loop over fields. Valid for addresses
// inside the device only: the most significant field may have any size (its slice takes every
// bit above the others).
struct SliceLayout {
  BitSlice channel, pseudo_channel, stack_id, bank_group, bank, row;
  // Hashed bank bits (a "+xor" order, power-of-two bank and group counts): bank ^= row &
  // bank.mask, bank_group ^= (row >> bank_bits) & bank_group.mask.
  bool xor_banks = false;
  int bank_bits = 0;
};

class AddressMapping {
 public:
  virtual ~AddressMapping() = default;
  virtual Location map(std::uint64_t address) const = 0;
  virtual std::string describe() const = 0;
  // The mapping as bit slices when it is one (map() gives the same fields); false otherwise.
  virtual bool slice_layout(SliceLayout& layout) const {
    (void)layout;
    return false;
  }
};

using MappingFactory =
    std::function<std::unique_ptr<AddressMapping>(const Geometry&, const std::string& spec)>;

struct MappingKind {
  std::string name;
  std::string description;
  MappingFactory factory;
};

// Registers a mapping kind; the one-line registration of each implementation calls it.
bool register_mapping_kind(MappingKind kind);
const std::vector<MappingKind>& mapping_kinds();

// A bit order ("RoBaBgSiPcCoCh"), optionally with "+xor". Throws InputError naming the mapping for
// an unknown field, a field given twice or a missing one.
std::unique_ptr<AddressMapping> make_mapping(const Geometry& geometry, const std::string& spec);

}  // namespace ridgeline::memsim
