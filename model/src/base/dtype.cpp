#include "ridgeline/base/dtype.hpp"

namespace ridgeline {

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::fp64:
      return "fp64";
    case DType::fp32:
      return "fp32";
    case DType::tf32:
      return "tf32";
    case DType::bf16:
      return "bf16";
    case DType::fp16:
      return "fp16";
    case DType::fp8:
      return "fp8";
    case DType::int8:
      return "int8";
    case DType::fp4:
      return "fp4";
    case DType::int4:
      return "int4";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (DType dtype : kAllDTypes) {
    if (dtype_name(dtype) == name) return dtype;
  }
  return std::nullopt;
}

std::string dtype_list() {
  std::string list;
  for (DType dtype : kAllDTypes) {
    if (!list.empty()) list += ", ";
    list += dtype_name(dtype);
  }
  return list;
}

double dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::fp64:
      return 8.0;
    case DType::fp32:
    case DType::tf32:
      return 4.0;
    case DType::bf16:
    case DType::fp16:
      return 2.0;
    case DType::fp8:
    case DType::int8:
      return 1.0;
    case DType::fp4:
    case DType::int4:
      return 0.5;
  }
  return 0.0;
}

bool dtype_is_integer(DType dtype) {
  return dtype == DType::int8 || dtype == DType::int4;
}

}  // namespace ridgeline
