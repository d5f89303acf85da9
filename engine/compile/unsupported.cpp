// See unsupported.h. The comparison runs only for names that failed to
// resolve and for attributes of corun's modules, so a scenario that uses what
// corun has pays a hash lookup per `module.attr`, and the probe below once
// per process.
#include "engine/compile/unsupported.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "engine/compile/cpython_names.h"
#include "engine/compile/prelude.h"
#include "engine/load/diagnostics.h"
#include "engine/python/builtins.h"
#include "engine/python/contextlib.h"
#include "engine/vm/interp.h"

namespace corun {


namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

struct NameSet {
  std::vector<std::string> sorted;  // for messages and "did you mean"
  std::unordered_set<std::string_view> index;
  explicit NameSet(std::vector<std::string> names) : sorted(std::move(names)) {
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (auto& n : sorted) index.insert(n);
  }
  bool has(std::string_view n) const { return index.count(n) > 0; }
};

// CPython's side, from the generated tables.
struct CPythonNames {
  NameSet builtins{words(kCPythonBuiltins)};
  NameSet stdlib_modules{words(kCPythonStdlibModules)};
  std::map<std::string, NameSet, std::less<>> module_attrs;
  CPythonNames() {
    for (auto& m : kCPythonModules) module_attrs.emplace(std::string(m.name), NameSet(words(m.attrs)));
  }
};

const CPythonNames& cpython() {
  static const CPythonNames names;
  return names;
}

// corun's side: the attributes of each module a Builtins really holds, read
// from one made for the purpose (over the prelude's Program, which every
// Program starts with), plus what the prelude adds to `asyncio` when a run
// instantiates it (and to `contextlib`). The probe interpreter never runs.
struct CorunModules {
  std::map<std::string, NameSet, std::less<>> modules;
  CorunModules() {
    std::shared_ptr<const CompiledPrelude> prelude = compiled_prelude();
    std::map<std::string, std::vector<std::string>> attrs;
    {
      RunOptions quiet;
      quiet.out = [](std::string_view) {};
      quiet.err = [](std::string_view) {};
      Interp probe(prelude->program, std::move(quiet));
      const Builtins& b = probe.builtins();
      const auto& names = builtin_names();
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i][0] == '_' || !b.values[i].is(ObjKind::Module)) continue;
        auto& list = attrs[names[i]];
        for (auto& [attr, value] : b.values[i].as<ModuleObj>()->attrs) list.push_back(attr);
      }
    }
    for (auto& [name, index] : prelude->program.asyncio_exports) attrs["asyncio"].push_back(name);
    for (const GlobalDef& g : prelude->program.globals)
      if (std::string_view name = contextlib_export_name(g); !name.empty()) attrs["contextlib"].emplace_back(name);
    for (auto& [name, list] : attrs) modules.emplace(name, NameSet(std::move(list)));
  }
};

const CorunModules& corun_modules() {
  static const CorunModules modules;
  return modules;
}

std::string corun_module_list() {
  std::string s;
  const auto& mods = corun_modules().modules;
  size_t i = 0;
  for (auto& [name, set] : mods) {
    if (i) s += i + 1 == mods.size() ? " and " : ", ";
    s += name;
    ++i;
  }
  return s;
}

}  // namespace

bool is_builtin_module(std::string_view name) {
  if (builtin_index(name) < 0) return false;  // cheap, and keeps the probe for scenarios that name a module
  return corun_modules().modules.count(name) > 0;
}

const std::vector<std::string>& provided_module_attrs(std::string_view module) {
  static const std::vector<std::string> none;
  auto& mods = corun_modules().modules;
  auto it = mods.find(module);
  return it == mods.end() ? none : it->second.sorted;
}

std::optional<Unsupported> unsupported_name(std::string_view name) {
  const CPythonNames& py = cpython();
  std::string n(name);
  if (py.builtins.has(name))
    return Unsupported{"corun does not support the builtin '" + n + "' yet",
                       "docs/language.md §10 lists the builtins this version provides"};
  if (py.stdlib_modules.has(name))
    return Unsupported{"corun does not support the module '" + n + "' yet",
                       "the modules this version provides are " + corun_module_list() +
                           " (a name from the standard library is a module; a variable must be defined first)"};
  return std::nullopt;
}

std::optional<Unsupported> missing_module_attr(std::string_view module, std::string_view attr) {
  if (attr.size() > 4 && attr.substr(0, 2) == "__" && attr.substr(attr.size() - 2) == "__") return std::nullopt;
  auto& mods = corun_modules().modules;
  auto it = mods.find(module);
  if (it == mods.end() || it->second.has(attr)) return std::nullopt;
  const std::vector<std::string>& provided = it->second.sorted;
  std::string m(module), a(attr);
  auto py = cpython().module_attrs.find(module);
  bool cpython_has = py != cpython().module_attrs.end() && py->second.has(attr);
  if (cpython_has)
    return Unsupported{"corun does not support " + m + "." + a + " yet",
                       "corun's " + m + " provides " + std::to_string(provided.size()) +
                           " of CPython's names; docs/language.md §10 lists them"};
  std::string close = closest_match(attr, provided);
  return Unsupported{"module '" + m + "' has no attribute '" + a + "'" + (close.empty() ? "" : "; did you mean '" + m + "." + close + "'?"),
                     "Python raises AttributeError here when the line runs; corun says so when it loads"};
}

}  // namespace corun
