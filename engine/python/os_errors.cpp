#include "engine/python/os_errors.h"

#include <cerrno>
#include <cstring>

#include "engine/python/builtins.h"
#include "engine/vm/interp.h"

namespace corun {

// Objects/exceptions.c's errnomap (EWOULDBLOCK is EAGAIN on Linux).
TypeObj* os_error_type(const Builtins& b, int err) {
  switch (err) {
    case EAGAIN:
    case EALREADY:
    case EINPROGRESS: return b.BlockingIOError;
    case EPIPE:
    case ESHUTDOWN: return b.BrokenPipeError;
    case ECONNABORTED: return b.ConnectionAbortedError;
    case ECONNREFUSED: return b.ConnectionRefusedError;
    case ECONNRESET: return b.ConnectionResetError;
    case EACCES:
    case EPERM: return b.PermissionError;
    case ETIMEDOUT: return b.TimeoutError;
    case ECHILD: return b.ChildProcessError;
    case EEXIST: return b.FileExistsError;
    case ENOENT: return b.FileNotFoundError;
    case EISDIR: return b.IsADirectoryError;
    case ENOTDIR: return b.NotADirectoryError;
    case EINTR: return b.InterruptedError;
    case ESRCH: return b.ProcessLookupError;
    default: return b.OSError;
  }
}

namespace {

const char* const kAttrNames[] = {"errno", "strerror", "filename", "filename2"};

DictObj& attrs_of(ExcObj* e) {
  if (!e->attrs.is(ObjKind::Dict)) e->attrs = Value(new DictObj());
  return *e->attrs.as<DictObj>();
}

}  // namespace

TypeObj* os_error_new(Interp& in, TypeObj* type, std::vector<Value>& args, std::vector<Value>& extra) {
  extra.assign(4, Value::unbound());  // unbound: not set (NULL in CPython's struct)
  if (args.size() < 2 || args.size() > 5) return type;
  // oserror_parse_args / oserror_init: errno, strerror, filename, winerror
  // (Windows only), filename2; a None filename is no filename.
  extra[0] = args[0];
  extra[1] = args[1];
  if (args.size() >= 3 && !args[2].is_none()) {
    extra[2] = args[2];
    if (args.size() == 5) extra[3] = args[4];
    args.resize(2);  // with a filename, args keeps (errno, strerror) only
  }
  if (type == in.builtins().OSError && args[0].is_int()) type = os_error_type(in.builtins(), int(args[0].as_int()));
  return type;
}

void os_error_fill(ExcObj* e, const std::vector<Value>& extra) {
  for (size_t i = 0; i < extra.size() && i < 4; ++i)
    if (!extra[i].is_unbound()) attrs_of(e).set(make_str(kAttrNames[i]), extra[i]);
}

Value make_os_error(Interp& in, int err, std::string text) {
  std::vector<Value> args{Value::integer(err), make_str(std::move(text))};
  Value e = in.make_exception_args(os_error_type(in.builtins(), err), args);
  os_error_fill(e.as<ExcObj>(), {args[0], args[1]});
  return e;
}

Value make_os_error(Interp& in, int err) { return make_os_error(in, err, std::strerror(err)); }

void raise_os_error(Interp& in, int err) { throw PyException{make_os_error(in, err)}; }

namespace {

const Value* os_field(ExcObj* e, const char* name) {
  return e->attrs.is(ObjKind::Dict) ? e->attrs.as<DictObj>()->find(make_str(name)) : nullptr;
}

}  // namespace

bool os_error_attr(Interp& in, const Value& exc, const std::string& name, Value& out) {
  ExcObj* e = exc.as<ExcObj>();
  if (!e->type->is_subclass_of(in.builtins().OSError)) return false;
  for (const char* n : kAttrNames)
    if (name == n) {
      const Value* v = os_field(e, n);
      out = v ? *v : Value();
      return true;
    }
  return false;
}

bool os_error_str(Interp& in, const Value& exc, std::string& out) {
  ExcObj* e = exc.as<ExcObj>();
  if (!e->type->is_subclass_of(in.builtins().OSError)) return false;
  // OSError_str: "set" is CPython's non-NULL field.
  const Value* v[4];
  for (int i = 0; i < 4; ++i) v[i] = os_field(e, kAttrNames[i]);
  Value none;
  const Value& err = v[0] ? *v[0] : none;
  const Value& text = v[1] ? *v[1] : none;
  if (v[2]) {
    out = "[Errno " + in.str(err) + "] " + in.str(text) + ": " + in.repr(*v[2]);
    if (v[3]) out += " -> " + in.repr(*v[3]);
    return true;
  }
  if (v[0] && v[1]) {
    out = "[Errno " + in.str(err) + "] " + in.str(text);
    return true;
  }
  return false;
}

}  // namespace corun
