#pragma once
// Numeric formats an accelerator computes in and a tensor is stored in.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ridgeline {

enum class DType { fp64, fp32, tf32, bf16, fp16, fp8, int8, fp4, int4 };

inline constexpr std::array<DType, 9> kAllDTypes{DType::fp64, DType::fp32, DType::tf32,
                                                 DType::bf16, DType::fp16, DType::fp8,
                                                 DType::int8, DType::fp4,  DType::int4};

std::string_view dtype_name(DType dtype);
std::optional<DType> parse_dtype(std::string_view name);
// "fp64, fp32, ..." for error messages.
std::string dtype_list();

// Storage size of one element in bytes (0.5 for 4-bit formats). tf32 is stored as 4 bytes.
double dtype_bytes(DType dtype);
bool dtype_is_integer(DType dtype);

}  // namespace ridgeline
