// Generic libtorch values (IValue) so C# can build and read the nested dictionaries that
// state dicts and checkpoints are made of.
#include "errors.h"
#include <ATen/core/Dict.h>
#include <ATen/core/List.h>
#include <ATen/core/ivalue.h>
#include <cstring>

using ss::unwrap;
using ss::wrap;

namespace {
c10::IValue& value(ss_value v) {
  if (v == nullptr) throw std::invalid_argument("null value handle");
  return *reinterpret_cast<c10::IValue*>(v);
}
ss_value make(c10::IValue v) { return reinterpret_cast<ss_value>(new c10::IValue(std::move(v))); }
char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}
}  // namespace

extern "C" {
ss_value ss_value_none(void) { SS_GUARD(nullptr, { return make(c10::IValue()); }) }
ss_value ss_value_tensor(ss_tensor t) { SS_GUARD(nullptr, { return make(unwrap(t)); }) }
ss_value ss_value_int(int64_t v) { SS_GUARD(nullptr, { return make(v); }) }
ss_value ss_value_double(double v) { SS_GUARD(nullptr, { return make(v); }) }
ss_value ss_value_bool(bool v) { SS_GUARD(nullptr, { return make(v); }) }
ss_value ss_value_string(const char* s) { SS_GUARD(nullptr, { return make(std::string(s)); }) }

ss_value ss_value_dict(void) {
  SS_GUARD(nullptr, { return make(c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get())); })
}

bool ss_value_dict_set(ss_value dict, const char* key, ss_value v) {
  SS_GUARD(false, {
    auto d = value(dict).toGenericDict();
    if (d.keyType()->kind() != c10::TypeKind::StringType)
      throw std::invalid_argument("dictionary has " + d.keyType()->str() + " keys, not str");
    d.insert_or_assign(std::string(key), value(v));
    return true;
  })
}

ss_value ss_value_int_dict(void) {
  SS_GUARD(nullptr, { return make(c10::impl::GenericDict(c10::IntType::get(), c10::AnyType::get())); })
}

bool ss_value_dict_set_int(ss_value dict, int64_t key, ss_value v) {
  SS_GUARD(false, {
    auto d = value(dict).toGenericDict();
    if (d.keyType()->kind() != c10::TypeKind::IntType)
      throw std::invalid_argument("dictionary has " + d.keyType()->str() + " keys, not int");
    d.insert_or_assign(key, value(v));
    return true;
  })
}

ss_value ss_value_list(void) {
  SS_GUARD(nullptr, { return make(c10::impl::GenericList(c10::AnyType::get())); })
}

bool ss_value_list_append(ss_value list, ss_value v) {
  SS_GUARD(false, {
    value(list).toList().push_back(value(v));
    return true;
  })
}

void ss_value_free(ss_value v) { delete reinterpret_cast<c10::IValue*>(v); }

int ss_value_kind(ss_value v) {
  SS_GUARD(-1, {
    const c10::IValue& x = value(v);
    if (x.isNone()) return SS_V_NONE;
    if (x.isTensor()) return SS_V_TENSOR;
    if (x.isInt()) return SS_V_INT;
    if (x.isDouble()) return SS_V_DOUBLE;
    if (x.isBool()) return SS_V_BOOL;
    if (x.isString()) return SS_V_STRING;
    if (x.isGenericDict()) return SS_V_DICT;
    if (x.isList()) return SS_V_LIST;
    if (x.isTuple()) return SS_V_TUPLE;
    return SS_V_OTHER;
  })
}

const char* ss_value_type_name(ss_value v) { SS_GUARD(nullptr, { return copy_string(value(v).tagKind()); }) }

int64_t ss_value_size(ss_value v) {
  SS_GUARD(-1, {
    const c10::IValue& x = value(v);
    if (x.isGenericDict()) return static_cast<int64_t>(x.toGenericDict().size());
    if (x.isList()) return static_cast<int64_t>(x.toListRef().size());
    if (x.isTuple()) return static_cast<int64_t>(x.toTupleRef().elements().size());
    throw std::invalid_argument("value of type " + x.tagKind() + " has no size");
  })
}

char* ss_value_dict_key(ss_value v, int64_t index) {
  SS_GUARD(nullptr, {
    auto dict = value(v).toGenericDict();
    auto it = dict.begin();
    std::advance(it, index);
    const c10::IValue& key = it->key();
    if (key.isString()) return copy_string(key.toStringRef());
    if (key.isInt()) return copy_string(std::to_string(key.toInt()));
    throw std::invalid_argument("dictionary key of type " + key.tagKind() + " is not supported");
  })
}

ss_value ss_value_dict_key_at(ss_value v, int64_t index) {
  SS_GUARD(nullptr, {
    auto dict = value(v).toGenericDict();
    if (index < 0 || index >= static_cast<int64_t>(dict.size())) throw std::out_of_range("dictionary index out of range");
    auto it = dict.begin();
    std::advance(it, index);
    return make(it->key());
  })
}

ss_value ss_value_at(ss_value v, int64_t index) {
  SS_GUARD(nullptr, {
    const c10::IValue& x = value(v);
    if (x.isGenericDict()) {
      auto dict = x.toGenericDict();
      auto it = dict.begin();
      std::advance(it, index);
      return make(it->value());
    }
    if (x.isList()) return make(x.toListRef().at(index));
    if (x.isTuple()) return make(x.toTupleRef().elements().at(index));
    throw std::invalid_argument("value of type " + x.tagKind() + " cannot be indexed");
  })
}

ss_tensor ss_value_to_tensor(ss_value v) { SS_GUARD(nullptr, { return wrap(value(v).toTensor()); }) }

bool ss_value_to_int(ss_value v, int64_t* out) {
  SS_GUARD(false, {
    *out = value(v).toInt();
    return true;
  })
}

bool ss_value_to_double(ss_value v, double* out) {
  SS_GUARD(false, {
    const c10::IValue& x = value(v);
    *out = x.isInt() ? static_cast<double>(x.toInt()) : x.toDouble();
    return true;
  })
}

bool ss_value_to_bool(ss_value v, bool* out) {
  SS_GUARD(false, {
    *out = value(v).toBool();
    return true;
  })
}

char* ss_value_to_string(ss_value v) { SS_GUARD(nullptr, { return copy_string(value(v).toStringRef()); }) }
}
