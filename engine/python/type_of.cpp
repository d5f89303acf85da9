// type(x): the TypeObj of every kind of value (Interp::type_of).
#include "engine/compile/code.h"
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "engine/python/builtins.h"
#include "engine/python/classes.h"
#include "engine/python/collections_module.h"
#include "engine/python/pyformat.h"
#include "engine/python/recursion.h"
#include "engine/python/sets.h"
#include "engine/vm/interp.h"
#include "engine/vm/native_cost.h"

namespace corun {

TypeObj* Interp::type_of(const Value& v) const {
  const Builtins& b = *builtins_;
  switch (v.kind()) {
    case VKind::Unbound:
    case VKind::None: return b.none;
    case VKind::Bool: return b.bool_;
    case VKind::Int: return b.int_;
    case VKind::Float: return b.float_;
    case VKind::Obj: break;
  }
  switch (v.obj()->okind) {
    case ObjKind::Str: return b.str;
    case ObjKind::Bytes: return b.bytes;
    case ObjKind::List: return b.list;
    case ObjKind::Deque: return b.deque;
    case ObjKind::Set: return v.as<SetObj>()->frozen ? b.frozenset : b.set;
    case ObjKind::DictView: {
      auto w = v.as<DictViewObj>()->which;
      if (v.as<DictViewObj>()->target()->flavor == DictObj::Flavor::OrderedDict)
        return w == DictViewObj::Keys ? b.odict_keys : w == DictViewObj::Values ? b.odict_values : b.odict_items;
      return w == DictViewObj::Keys ? b.dict_keys : w == DictViewObj::Values ? b.dict_values : b.dict_items;
    }
    case ObjKind::Tuple: return v.as<TupleObj>()->named ? named_tuple_type(v) : b.tuple;
    case ObjKind::Dict:
      switch (v.as<DictObj>()->flavor) {
        case DictObj::Flavor::Plain: return b.dict;
        case DictObj::Flavor::DefaultDict: return b.defaultdict;
        case DictObj::Flavor::Counter: return b.Counter;
        case DictObj::Flavor::OrderedDict: return b.OrderedDict;
      }
      return b.dict;
    case ObjKind::Range: return b.range;
    case ObjKind::Type: return b.type;
    case ObjKind::Exception: return v.as<ExcObj>()->type;
    case ObjKind::Builtin: return b.builtin_function;
    case ObjKind::Function: return b.function;
    case ObjKind::Coroutine: {
      const CodeObject* code = v.as<CoroObj>()->frame.code;
      return code->is_async_gen ? b.async_generator : code->is_generator ? b.generator : b.coroutine;
    }
    case ObjKind::Future: return b.future;
    case ObjKind::Task: return b.task;
    case ObjKind::Module: return b.module;
    case ObjKind::BoundMethod: return b.method;
    case ObjKind::Instance: return v.as<InstanceObj>()->type;
    case ObjKind::Iterator: {
      auto* it = v.as<IteratorObj>();
      switch (it->ikind) {
        case IteratorObj::Kind::Gen: return b.generator;
        case IteratorObj::Kind::Map: return b.map;
        case IteratorObj::Kind::Filter: return b.filter;
        case IteratorObj::Kind::Zip: return b.zip;
        case IteratorObj::Kind::Native: return it->native->type ? it->native->type : b.iterator;
        default: return b.iterator;
      }
    }
    case ObjKind::Handle: return b.handle;
    case ObjKind::Anext: return v.as<AnextObj>()->mode == AnextObj::Mode::Send ? b.agen_asend : b.agen_athrow;
    case ObjKind::Loop:
    case ObjKind::BigInt: return b.int_;
    case ObjKind::Misc: return b.object;
  }
  return b.object;
}

}  // namespace corun
