#include "engine/schema/scenario_schema.h"

#include <map>

#include "engine/compile/language_tables.h"
#include "engine/schema/language_docs.h"

namespace corun {

namespace {

// What each verb's own value is, by the compiler's handlers
// (compile_steps.cpp, compile_blocks.cpp): `expression` where they call
// expression() (a scalar), `value` where value_expr() (anything, §4).
const std::map<std::string, std::string>& argument_shapes() {
  static const std::map<std::string, std::string> shapes = {
      {"print", "template"},      {"sleep", "expression"},   {"block", "expression"},
      {"await", "expression"},    {"set", "assignments"},    {"call", "expression"},
      {"task", "expression"},     {"gather", "expressions"}, {"cancel", "expression"},
      {"raise", "optional_expression"}, {"assert", "expression"}, {"del", "targets"}, {"return", "value"}, {"try", "steps"},
      {"if", "expression"},       {"while", "expression"},   {"for", "target"},
      {"pass", "value"},          {"break", "value"},        {"continue", "value"},
      {"async_for", "target"},    {"async_with", "expression"}, {"timeout", "expression"},
      {"task_group", "name"},     {"wait_for", "expression"}, {"wait", "expressions"},
      {"yield", "value"},         {"global", "names"},       {"with", "expression"},
      {"def", "name"},            {"async_def", "name"},     {"nonlocal", "names"},
  };
  return shapes;
}

// Each modifier's value, whatever its verb.
const std::map<std::string, std::string>& modifier_shapes() {
  static const std::map<std::string, std::string> shapes = {
      {"as", "target"},        {"name", "value"},      {"group", "expression"}, {"return_exceptions", "value"},
      {"msg", "value"},        {"from", "value"},      {"except", "handlers"},  {"except_star", "star_handlers"},
      {"else", "steps"},       {"finally", "steps"},   {"then", "steps"},       {"steps", "steps"},
      {"in", "value"},         {"timeout", "value"},   {"return_when", "value"}, {"params", "params"},
      {"decorators", "expressions"},
  };
  return shapes;
}

// The modifiers a verb's handler refuses to do without.
const std::map<std::string, std::vector<std::string>>& required_modifiers() {
  static const std::map<std::string, std::vector<std::string>> required = {
      {"if", {"then"}},          {"while", {"steps"}},      {"for", {"in", "steps"}},
      {"async_for", {"in", "steps"}}, {"async_with", {"steps"}}, {"with", {"steps"}},
      {"timeout", {"steps"}},    {"task_group", {"steps"}}, {"wait_for", {"timeout"}},
      {"def", {"steps"}},        {"async_def", {"steps"}},
  };
  return required;
}

Json def_ref(const std::string& def) { return Json::object().set("$ref", Json::string("#/$defs/" + def)); }

Json described(Json schema, const std::string& description) {
  if (!description.empty()) schema.set("description", Json::string(description));
  return schema;
}

Json types(std::vector<std::string> names) { return Json::object().set("type", Json::strings(names)); }

const LanguageDocs& docs() { return LanguageDocs::embedded(); }

// A key's description from the table headed `header`: its value column,
// and the Python column when the table has one.
std::string key_description(const char* header, const std::string& key, bool python_column) {
  const LanguageDocs::Row* r = docs().row(header, key);
  if (!r || r->size() < 2) return "";
  std::string d = (*r)[1];
  if (python_column && r->size() > 2 && (*r)[2] != "—" && !(*r)[2].empty()) d += " — Python: " + (*r)[2];
  return d;
}

// The section's first paragraph when it starts by spelling the verb out
// (`sleep: EXPR` — ...); otherwise the summary table's row, then that paragraph.
std::string verb_description(const std::string& verb) {
  std::string intro = docs().section_intro(verb);
  if (intro.rfind("`" + verb, 0) == 0) return intro;
  std::string d;
  if (const LanguageDocs::Row* r = docs().row("step", verb); r && r->size() >= 3) {
    d = (*r)[0] + " — " + (*r)[2];
    if (!(*r)[1].empty()) d += " (modifiers: " + (*r)[1] + ")";
  }
  if (!intro.empty()) d += (d.empty() ? "" : "\n\n") + intro;
  return d;
}

std::string modifier_description(const std::string& modifier) {
  const LanguageDocs::Row* r = docs().row("modifier", modifier);
  return r && r->size() >= 3 ? (*r)[2] : "";
}

Json keys_object(const std::vector<std::string>& keys, const char* header, bool python_column,
                 const std::map<std::string, Json>& shapes) {
  Json props = Json::object();
  for (const std::string& k : keys) {
    auto it = shapes.find(k);
    props.set(k, described(it == shapes.end() ? Json::object() : it->second, key_description(header, k, python_column)));
  }
  return Json::object().set("type", Json::string("object")).set("properties", props).set("additionalProperties", Json::boolean(false));
}

// Where a body stands decides which steps it may hold (the verb table's
// flags): a coroutine's any, a plain function's none that awaits, the
// module's (`script:`) neither those nor `return`/`yield`. The body-shaped
// definitions ("steps", "step", the handlers, the verbs) exist once per
// context, under that context's prefix.
enum class Body { Coroutine, Function, Module };
constexpr Body kBodies[] = {Body::Coroutine, Body::Function, Body::Module};

std::string prefix(Body b) { return b == Body::Coroutine ? "" : b == Body::Function ? "function_" : "module_"; }

bool body_allows(Body b, const VerbInfo& v) {
  if (b != Body::Coroutine && v.awaits) return false;
  return !(b == Body::Module && v.in_function_only);
}

// A shape in body `b`: the body-shaped ones take the context's prefix.
std::string in_body(Body b, const std::string& shape) {
  return shape == "steps" || shape == "handlers" || shape == "star_handlers" ? prefix(b) + shape : shape;
}

Json definition_schema(bool method, Body body) {
  std::vector<std::string> keys = definition_keys();
  if (method) keys.insert(keys.end(), method_only_keys().begin(), method_only_keys().end());
  std::string steps = in_body(body, "steps");
  Json as_map = keys_object(keys, "definition key", false,
                            {{"params", def_ref("params")},
                             {"steps", def_ref(steps)},
                             {"decorators", Json::object().set("type", Json::string("array")).set("items", def_ref("expression"))},
                             {"sync", types({"boolean"})}});
  as_map.set("required", Json::strings({"steps"}));
  return Json::object()
      .set("description", Json::string(method ? "a method: a list of steps, or {params, steps, decorators, sync}"
                                              : "a definition: a list of steps, or {params, steps, decorators}"))
      .set("anyOf", Json::array({def_ref(steps), as_map}));
}

Json verb_schema(const VerbShape& v, Body body) {
  // A nested def's body is a function's, an async_def's a coroutine's.
  Body inner = v.verb == "def" ? Body::Function : v.verb == "async_def" ? Body::Coroutine : body;
  Json props = Json::object();
  props.set(v.verb, described(def_ref(in_body(body, v.argument.empty() ? "value" : v.argument)), verb_description(v.verb)));
  for (auto& [m, shape] : v.modifiers)
    props.set(m, described(def_ref(in_body(inner, shape.empty() ? "value" : shape)), modifier_description(m)));
  std::vector<std::string> required = {v.verb};
  required.insert(required.end(), v.required.begin(), v.required.end());
  Json s = Json::object()
               .set("type", Json::string("object"))
               .set("required", Json::strings(required))
               .set("properties", props)
               .set("additionalProperties", Json::boolean(false));
  if (v.verb == "try") {
    // A try needs handlers or a finally; except and except_star do not mix; else needs except.
    Json one_of = Json::array();
    for (const char* k : {"except", "except_star", "finally"}) one_of.push(Json::object().set("required", Json::strings({k})));
    s.set("anyOf", one_of);
    s.set("not", Json::object().set("required", Json::strings({"except", "except_star"})));
    s.set("dependentRequired", Json::object().set("else", Json::strings({"except"})));
  }
  return s;
}

// "steps", "step", the handlers and the verbs of body `b`.
void body_defs(Json& defs, Body b) {
  std::string p = prefix(b);
  const char* where = b == Body::Coroutine ? "" : b == Body::Function ? " of a plain function (nothing awaits)"
                                                                        : " of `script:` (nothing awaits, no return or yield)";
  defs.set(p + "steps", Json::object()
                            .set("description", Json::string(std::string("a body") + where + ": a list of steps"))
                            .set("type", Json::strings({"array", "null"}))
                            .set("items", def_ref(p + "step")));
  std::map<std::string, Json> handler_shapes = {
      {"type", Json::object().set("anyOf", Json::array({types({"string"}), Json::object().set("type", Json::string("array")).set("items", types({"string"}))}))},
      {"as", types({"string"})},
      {"steps", def_ref(p + "steps")}};
  defs.set(p + "handler", keys_object(handler_keys(), "handler key", false, handler_shapes));
  defs.set(p + "handlers", Json::object()
                               .set("description", Json::string(modifier_description("except")))
                               .set("anyOf", Json::array({Json::object().set("type", Json::string("array")).set("items", def_ref(p + "handler")),
                                                          def_ref(p + "handler")})));
  defs.set(p + "star_handlers", Json::object()
                                    .set("description", Json::string(modifier_description("except_star")))
                                    .set("type", Json::string("array"))
                                    .set("items", Json::object()
                                                      .set("allOf", Json::array({def_ref(p + "handler")}))
                                                      .set("required", Json::strings({"type"}))));
  std::vector<std::string> words;
  for (const std::string& w : bare_word_steps())
    if (b != Body::Module || (w != "return" && w != "yield")) words.push_back(w);
  Json step_any = Json::array();
  step_any.push(Json::object().set("description", Json::string(docs().section_intro("break"))).set("enum", Json::strings(words)));
  std::vector<VerbShape> shapes = verb_shapes();
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!body_allows(b, step_verbs()[i])) continue;
    defs.set(p + "verb_" + shapes[i].verb, verb_schema(shapes[i], b));
    step_any.push(def_ref(p + "verb_" + shapes[i].verb));
  }
  defs.set(p + "step", Json::object()
                           .set("description", Json::string(std::string("a step") + where + ": one verb with its modifiers, or a bare word"))
                           .set("anyOf", step_any));
}

}  // namespace

std::vector<VerbShape> verb_shapes() {
  std::vector<VerbShape> out;
  for (const VerbInfo& v : step_verbs()) {
    VerbShape s;
    s.verb = v.name;
    auto a = argument_shapes().find(v.name);
    if (a != argument_shapes().end()) s.argument = a->second;
    for (const std::string& m : v.modifiers) {
      auto it = modifier_shapes().find(m);
      s.modifiers.emplace_back(m, it == modifier_shapes().end() ? "" : it->second);
    }
    auto r = required_modifiers().find(v.name);
    if (r != required_modifiers().end()) s.required = r->second;
    out.push_back(std::move(s));
  }
  return out;
}

Json scenario_schema() {
  Json defs = Json::object();
  const char* scalar_types[] = {"string", "number", "boolean"};
  std::vector<std::string> scalar(std::begin(scalar_types), std::end(scalar_types));
  std::vector<std::string> scalar_or_null = scalar;
  scalar_or_null.push_back("null");
  defs.set("expression", described(types(scalar), "a Python expression (a plain scalar; quoted, an f-string template)"));
  defs.set("optional_expression", described(types(scalar_or_null), "an expression, or nothing"));
  defs.set("template", described(types(scalar_or_null), "an f-string template, quoted or not; nothing prints an empty line"));
  defs.set("value", described(Json::object(), "a value: a plain scalar is an expression, a quoted one a template, "
                                                "a list a list, a mapping a dict (docs/language.md section 4)"));
  defs.set("name", described(types({"string"}), "a Python name"));
  defs.set("names", Json::object()
                        .set("description", Json::string("a name or a list of names"))
                        .set("anyOf", Json::array({types({"string"}),
                                                   Json::object().set("type", Json::string("array")).set("items", types({"string"}))})));
  defs.set("target", Json::object()
                         .set("description", Json::string("a TARGET: a name, an attribute or subscript, or a list of targets to unpack into"))
                         .set("anyOf", Json::array({types({"string"}),
                                                    Json::object().set("type", Json::string("array")).set("items", def_ref("target"))})));
  defs.set("targets", Json::object()
                          .set("description", Json::string("what `del` deletes: a name, `x[i]`, `x[a:b]` or `x.attr`, or a list of them"))
                          .set("anyOf", Json::array({types({"string"}),
                                                     Json::object().set("type", Json::string("array")).set("items", types({"string"}))})));
  defs.set("expressions", Json::object()
                              .set("description", Json::string("a list of expressions, or one iterable expression"))
                              .set("anyOf", Json::array({types({"array"}), def_ref("expression")})));
  defs.set("assignments", Json::object()
                              .set("description", Json::string("TARGET: VALUE pairs, assigned in order"))
                              .set("type", Json::string("object"))
                              .set("minProperties", Json::number(1)));
  defs.set("params", Json::object()
                         .set("description", Json::string(key_description("definition key", "params", false)))
                         .set("type", Json::strings({"array", "null"}))
                         .set("items", Json::object().set(
                                           "anyOf", Json::array({types({"string"}), Json::object()
                                                                                        .set("type", Json::string("object"))
                                                                                        .set("minProperties", Json::number(1))
                                                                                        .set("maxProperties", Json::number(1))}))));
  for (Body b : kBodies) body_defs(defs, b);
  defs.set("definition", definition_schema(false, Body::Coroutine));
  defs.set("function_definition", definition_schema(false, Body::Function));
  // A method is a coroutine unless `sync: true` or a dunder Python calls
  // plainly: which one is not the schema's to tell, so a coroutine's body.
  defs.set("method", definition_schema(true, Body::Coroutine));
  defs.set("class", keys_object(class_keys(), "class key", false,
                                {{"base", types({"string"})},
                                 {"attributes", types({"object"})},
                                 {"fields", types({"object", "null"})},
                                 {"methods", Json::object()
                                                 .set("type", Json::strings({"object", "null"}))
                                                 .set("additionalProperties", def_ref("method"))}}));

  Json sections = Json::object().set("type", Json::strings({"object", "null"}));
  std::map<std::string, Json> top = {
      {"name", types(scalar_or_null)},
      {"description", types(scalar_or_null)},
      {"coroutines", Json(sections).set("additionalProperties", def_ref("definition"))},
      {"functions", Json(sections).set("additionalProperties", def_ref("function_definition"))},
      {"exceptions", Json(sections).set("additionalProperties", types({"string", "null"}))},
      {"classes", Json(sections).set("additionalProperties", def_ref("class"))},
      {"main", def_ref("expression")},
      {"script", def_ref("module_steps")},
      {"options", keys_object(option_keys(), "option", true, {{"debug", types({"boolean"})}, {"seed", types({"integer"})}})},
      {"conformance", keys_object(conformance_keys(), "option", true, {{"skip", types({"string"})}})},
      // expect: the output `corun test` checks (stdout required; exit 0-255).
      {"expect", keys_object(expect_keys(), "expect key", false,
                             {{"stdout", types({"string"})},
                              {"stderr", types({"string"})},
                              {"exit", Json::object()
                                           .set("type", Json::string("integer"))
                                           .set("minimum", Json::number(0))
                                           .set("maximum", Json::number(255))}})
                     .set("required", Json::strings({"stdout"}))},
  };
  Json schema = keys_object(top_level_keys(), "key", true, top);
  // `main:` is the short form of a script: not both.
  schema.set("not", Json::object().set("required", Json::strings({"main", "script"})));
  Json out = Json::object()
                 .set("$schema", Json::string("https://json-schema.org/draft/2020-12/schema"))
                 .set("title", Json::string("corun scenario"))
                 .set("description", Json::string("A Python asyncio program written as a corun scenario (docs/language.md)"));
  for (auto& [k, v] : schema.members()) out.set(k, v);
  out.set("$defs", defs);
  return out;
}

}  // namespace corun
