// One entry point for the whole ATen library: find an operator by schema name, box the
// caller's arguments into IValues following the operator's own schema (so an int reaches an
// int[2] parameter as [i, i], a double a Scalar, and omitted trailing arguments take the
// schema's defaults), call it through the dispatcher, and unbox what it returns.
#include "errors.h"
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/jit_type.h>
#include <cstdlib>
#include <sstream>

using ss::unwrap;
using ss::wrap;

namespace {
struct OpHandle {
  c10::OperatorHandle handle;
  std::string schema_text;
};

const char* kind_name(int kind) {
  static const char* names[] = {"None", "Tensor", "int", "float", "bool", "int[]", "float[]",
                                "Tensor[]", "str", "Generator", "Device", "list", "bool[]"};
  return kind >= 0 && kind <= SS_BOOL_LIST ? names[kind] : "unknown";
}

[[noreturn]] void mismatch(const c10::Argument& formal, const ss_arg& a) {
  throw std::invalid_argument("argument '" + formal.name() + "' expects " + formal.type()->str() +
                              " but was given " + kind_name(a.kind));
}

std::vector<int64_t> int_list(const ss_arg& a) {
  auto* p = static_cast<const int64_t*>(a.p);
  return std::vector<int64_t>(p, p + a.i);
}

c10::IValue list_value(const ss_arg& a, const c10::Argument& formal, const c10::TypePtr& elem) {
  switch (elem->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (a.kind == SS_INT_LIST) return int_list(a);
      // PyTorch accepts a single int for an int[N] parameter (stride=2 means [2, 2]).
      if (a.kind == SS_INT && formal.N()) return std::vector<int64_t>(*formal.N(), a.i);
      break;
    case c10::TypeKind::FloatType:
      if (a.kind == SS_DOUBLE_LIST) {
        auto* p = static_cast<const double*>(a.p);
        return std::vector<double>(p, p + a.i);
      }
      break;
    case c10::TypeKind::BoolType:
      if (a.kind == SS_BOOL_LIST) {
        c10::List<bool> list;
        auto* p = static_cast<const int64_t*>(a.p);
        for (int64_t k = 0; k < a.i; ++k) list.push_back(p[k] != 0);
        return list;
      }
      break;
    case c10::TypeKind::TensorType:
      if (a.kind == SS_TENSOR_LIST) {
        c10::List<at::Tensor> list;
        auto* p = static_cast<const ss_tensor*>(a.p);
        for (int64_t k = 0; k < a.i; ++k) list.push_back(unwrap(p[k]));
        return list;
      }
      break;
    case c10::TypeKind::OptionalType:  // Tensor?[], as aten::index takes; NULL entries are None
      if (a.kind == SS_TENSOR_LIST) {
        c10::List<c10::optional<at::Tensor>> list;
        auto* p = static_cast<const ss_tensor*>(a.p);
        for (int64_t k = 0; k < a.i; ++k)
          list.push_back(p[k] ? c10::optional<at::Tensor>(unwrap(p[k])) : c10::nullopt);
        return list;
      }
      break;
    default:
      break;
  }
  mismatch(formal, a);
}

c10::IValue to_ivalue(const ss_arg& a, const c10::Argument& formal) {
  c10::TypePtr type = formal.type();
  if (type->kind() == c10::TypeKind::OptionalType) {
    if (a.kind == SS_NONE) return c10::IValue();
    type = type->containedType(0);
  }
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      if (a.kind == SS_TENSOR) return unwrap(static_cast<ss_tensor>(const_cast<void*>(a.p)));
      break;
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      if (a.kind == SS_INT || a.kind == SS_BOOL) return c10::IValue(a.i);
      break;
    case c10::TypeKind::FloatType:
      if (a.kind == SS_DOUBLE) return c10::IValue(a.d);
      if (a.kind == SS_INT) return c10::IValue(static_cast<double>(a.i));
      break;
    case c10::TypeKind::BoolType:
      if (a.kind == SS_BOOL || a.kind == SS_INT) return c10::IValue(a.i != 0);
      break;
    case c10::TypeKind::NumberType:  // Scalar
      if (a.kind == SS_INT) return c10::IValue(a.i);
      if (a.kind == SS_DOUBLE) return c10::IValue(a.d);
      if (a.kind == SS_BOOL) return c10::IValue(a.i != 0);
      break;
    case c10::TypeKind::StringType:
      if (a.kind == SS_STRING) return c10::IValue(std::string(static_cast<const char*>(a.p)));
      break;
    case c10::TypeKind::GeneratorType:
      if (a.kind == SS_GENERATOR) return c10::IValue(*static_cast<const at::Generator*>(a.p));
      break;
    case c10::TypeKind::DeviceObjType:
      if (a.kind == SS_DEVICE)
        return c10::IValue(c10::Device(static_cast<c10::DeviceType>(a.i),
                                       static_cast<c10::DeviceIndex>(a.device_index)));
      break;
    case c10::TypeKind::ListType:
      return list_value(a, formal, type->containedType(0));
    default:
      break;
  }
  mismatch(formal, a);
}

void push_result(const c10::IValue& v, std::vector<ss_result>& out) {
  ss_result r{};
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    r.kind = t.defined() ? SS_TENSOR : SS_NONE;
    if (t.defined()) r.p = wrap(t);
  } else if (v.isNone()) {
    r.kind = SS_NONE;
  } else if (v.isInt()) {
    r.kind = SS_INT;
    r.i = v.toInt();
  } else if (v.isDouble()) {
    r.kind = SS_DOUBLE;
    r.d = v.toDouble();
  } else if (v.isBool()) {
    r.kind = SS_BOOL;
    r.i = v.toBool();
  } else if (v.isList() || v.isTuple()) {
    std::vector<c10::IValue> items;
    if (v.isList()) {
      for (const c10::IValue& item : v.toListRef()) items.push_back(item);
    } else {
      for (const c10::IValue& item : v.toTupleRef().elements()) items.push_back(item);
    }
    r.kind = SS_LIST_HEADER;
    r.i = static_cast<int64_t>(items.size());
    out.push_back(r);
    for (const auto& item : items) push_result(item, out);
    return;
  } else {
    throw std::runtime_error("operator returned a value of unsupported type " + v.tagKind());
  }
  out.push_back(r);
}

void free_results(std::vector<ss_result>& results) {
  for (auto& r : results)
    if (r.kind == SS_TENSOR) ss_tensor_free(static_cast<ss_tensor>(r.p));
}
}  // namespace

extern "C" {
ss_op ss_op_find(const char* name, const char* overload) {
  SS_GUARD(nullptr, {
    auto handle = c10::Dispatcher::singleton().findSchema({name, overload ? overload : ""});
    if (!handle)
      throw std::invalid_argument(std::string("no operator ") + name +
                                  (overload && *overload ? std::string(".") + overload : "") +
                                  " in this libtorch");
    std::ostringstream text;
    text << handle->schema();
    return reinterpret_cast<ss_op>(new OpHandle{*handle, text.str()});
  })
}

const char* ss_op_schema(ss_op op) { return reinterpret_cast<OpHandle*>(op)->schema_text.c_str(); }

ss_result* ss_op_call(ss_op op, const ss_arg* args, int nargs, int* nresults) {
  std::vector<ss_result> results;
  auto* h = reinterpret_cast<OpHandle*>(op);
  try {
    ss::clear_error();
    const auto& formals = h->handle.schema().arguments();
    std::vector<c10::optional<c10::IValue>> slots(formals.size());
    size_t position = 0;
    for (int k = 0; k < nargs; ++k) {
      const ss_arg& a = args[k];
      size_t index = position;
      if (a.name) {
        auto found = h->handle.schema().argumentIndexWithName(a.name);
        if (!found) throw std::invalid_argument(std::string("no argument named '") + a.name + "'");
        index = *found;
      } else if (position++ >= formals.size()) {
        throw std::invalid_argument("too many arguments: " + std::to_string(nargs));
      }
      slots[index] = to_ivalue(a, formals[index]);
    }
    torch::jit::Stack stack;
    stack.reserve(formals.size());
    for (size_t k = 0; k < formals.size(); ++k) {
      if (slots[k]) {
        stack.push_back(std::move(*slots[k]));
      } else if (formals[k].default_value()) {
        stack.push_back(*formals[k].default_value());
      } else {
        throw std::invalid_argument("missing argument '" + formals[k].name() + "'");
      }
    }
    h->handle.callBoxed(&stack);
    for (const auto& v : stack) push_result(v, results);
    auto* out = static_cast<ss_result*>(std::malloc(sizeof(ss_result) * std::max<size_t>(1, results.size())));
    std::copy(results.begin(), results.end(), out);
    *nresults = static_cast<int>(results.size());
    return out;
  } catch (...) {
    free_results(results);
    ss::set_error(h->schema_text + ": " + ss::describe_current_exception());
    *nresults = 0;
    return nullptr;
  }
}
}
