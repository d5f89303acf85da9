// `corun schema` against the compiler: the schema's keys, verbs and
// modifiers are exactly the compiler's tables (language_tables.h), every
// one of them has a description drawn from docs/language.md, and the
// compiler accepts every key the schema offers, refuses a step that lacks a
// modifier the schema requires, and refuses a key the schema does not know.
// A verb or key added to the compiler without a sample here, a description
// in the docs, or a shape in the schema fails one of these tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "engine/compile/code.h"
#include "engine/compile/language_tables.h"
#include "engine/schema/language_docs.h"
#include "engine/schema/scenario_schema.h"

namespace {

using corun::Json;

const Json& schema() {
  static const Json s = corun::scenario_schema();
  return s;
}

const Json& def(const std::string& name) {
  const Json* d = schema().get("$defs")->get(name);
  if (!d) throw std::runtime_error("no $defs/" + name);
  return *d;
}

std::vector<std::string> property_names(const Json& object_schema) {
  std::vector<std::string> names;
  if (const Json* p = object_schema.get("properties"))
    for (auto& [k, v] : p->members()) names.push_back(k);
  return names;
}

std::string description_of(const Json& object_schema, const std::string& key) {
  const Json* d = object_schema.get("properties")->get(key)->get("description");
  return d ? d->text() : "";
}

// The errors compiling `yaml` gives, rendered; "" when it compiles.
std::string compile_errors(const std::string& yaml) {
  auto src = std::make_shared<const corun::SourceFile>("x.yaml", yaml);
  try {
    corun::compile_scenario(src);
  } catch (const corun::ScenarioError& e) {
    std::string out;
    for (auto& d : e.diagnostics) out += src->render(d);
    return out;
  }
  return "";
}

// A verb the schema's table names, written so that it compiles: steps
// before it (`prefix`, YAML lines at the body's indentation) and its own
// value; the schema's required modifiers and a sample of each modifier
// are added by the tests.
struct VerbSample {
  std::string prefix;
  std::string value;
};

const std::map<std::string, VerbSample>& verb_samples() {
  static const std::map<std::string, VerbSample> samples = {
      {"print", {"", "hello"}},         {"sleep", {"", "0"}},          {"block", {"", "0"}},
      {"await", {"", "asyncio.sleep(0)"}}, {"set", {"", "{x: 1}"}},    {"call", {"", "print()"}},
      {"task", {"", "asyncio.sleep(0)"}}, {"gather", {"", "[1]"}},     {"cancel", {"", "None"}},
      {"raise", {"", "ValueError()"}},  {"assert", {"", "true"}}, {"del", {"    - set: {x: 1}\n", "x"}},  {"return", {"", "1"}},         {"try", {"", "[pass]"}},
      {"if", {"", "true"}},             {"while", {"", "false"}},      {"for", {"", "i"}},
      {"pass", {"", ""}},               {"break", {"    - for: i\n      in: [1]\n      steps:\n", ""}},
      {"continue", {"    - for: i\n      in: [1]\n      steps:\n", ""}},
      {"async_for", {"", "i"}},         {"async_with", {"", "asyncio.Lock()"}}, {"timeout", {"", "1"}},
      {"task_group", {"", "tg"}},       {"wait_for", {"", "asyncio.sleep(0)"}}, {"wait", {"", "[]"}},
      {"yield", {"", "1"}},             {"global", {"", "g"}},         {"with", {"", "None"}},
      {"def", {"", "inner"}},           {"async_def", {"", "inner"}},
      {"nonlocal", {"    - set: {v: 1}\n    - def: inner\n      steps:\n", "v"}},
  };
  return samples;
}

// A value for each modifier, whatever the verb.
const std::map<std::string, std::string>& modifier_samples() {
  static const std::map<std::string, std::string> samples = {
      {"as", "r"},           {"name", "'n'"},          {"group", "None"},   {"return_exceptions", "true"},
      {"msg", "'m'"},        {"from", "None"},         {"except", "[{steps: [pass]}]"},
      {"except_star", "[{type: ValueError, steps: [pass]}]"}, {"else", "[pass]"}, {"finally", "[pass]"},
      {"then", "[pass]"},    {"steps", "[pass]"},      {"in", "[1]"},       {"timeout", "1"},
      {"return_when", "asyncio.ALL_COMPLETED"},       {"params", "[p]"},       {"decorators", "[functools.cache]"},
  };
  return samples;
}

// Modifiers that need another beside them (the schema says so too).
std::map<std::string, std::string> companions(const std::string& verb, const std::string& modifier) {
  if (verb == "try" && modifier == "else") return {{"except", modifier_samples().at("except")}};
  return {};
}

// A scenario whose coroutine `f` ends with the verb's step, holding `mods`.
std::string verb_scenario(const std::string& verb, const std::map<std::string, std::string>& mods) {
  const VerbSample& s = verb_samples().at(verb);
  // Inside a prefix that opens a body (`steps:`), the step is indented further.
  std::string indent = s.prefix.empty() || s.prefix.back() != '\n' || s.prefix.find("steps:\n") == std::string::npos ? "    " : "        ";
  std::string y = "coroutines:\n  main: [pass]\n  f:\n" + s.prefix;
  y += indent + "- " + verb + ":" + (s.value.empty() ? "" : " " + s.value) + "\n";
  for (auto& [k, v] : mods) y += indent + "  " + k + ": " + v + "\n";
  return y;
}

std::map<std::string, std::string> required_of(const corun::VerbShape& v) {
  std::map<std::string, std::string> mods;
  for (auto& r : v.required) mods[r] = modifier_samples().at(r);
  if (v.verb == "try") mods["finally"] = modifier_samples().at("finally");  // try needs a handler or finally
  return mods;
}

TEST(Schema, IsDraft2020_12WithEveryTopLevelKey) {
  EXPECT_EQ(schema().get("$schema")->text(), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(property_names(schema()), corun::top_level_keys());
  EXPECT_FALSE(schema().get("additionalProperties")->as_bool());
  for (auto& k : corun::top_level_keys()) EXPECT_NE(description_of(schema(), k), "") << k;
}

TEST(Schema, StepsAreTheVerbTableAndTheBareWords) {
  const Json& any = *def("step").get("anyOf");
  ASSERT_EQ(any.items().size(), corun::step_verbs().size() + 1);
  std::vector<std::string> words;
  for (auto& w : any.items()[0].get("enum")->items()) words.push_back(w.text());
  EXPECT_EQ(words, corun::bare_word_steps());
  for (size_t i = 0; i < corun::step_verbs().size(); ++i) {
    const corun::VerbInfo& v = corun::step_verbs()[i];
    EXPECT_EQ(any.items()[i + 1].get("$ref")->text(), "#/$defs/verb_" + v.name);
    std::vector<std::string> keys = {v.name};
    keys.insert(keys.end(), v.modifiers.begin(), v.modifiers.end());
    EXPECT_EQ(property_names(def("verb_" + v.name)), keys) << v.name;
    for (auto& k : keys) EXPECT_NE(description_of(def("verb_" + v.name), k), "") << v.name << " " << k << ": no description in docs/language.md";
  }
}

TEST(Schema, PlainFunctionsAndTheScriptOfferOnlyTheStepsTheyAllow) {
  for (const char* body : {"function_", "module_"}) {
    std::set<std::string> offered;
    for (auto& ref : def(std::string(body) + "step").get("anyOf")->items())
      if (const Json* r = ref.get("$ref")) offered.insert(r->text());
    for (auto& v : corun::step_verbs()) {
      bool allowed = !v.awaits && !(std::string(body) == "module_" && v.in_function_only);
      EXPECT_EQ(offered.count("#/$defs/" + std::string(body) + "verb_" + v.name), allowed ? 1u : 0u) << body << v.name;
    }
  }
}

TEST(Schema, NestedKeysAreTheCompilersTables) {
  const Json& definition_map = def("definition").get("anyOf")->items()[1];
  EXPECT_EQ(property_names(definition_map), corun::definition_keys());
  std::vector<std::string> method = corun::definition_keys();
  method.insert(method.end(), corun::method_only_keys().begin(), corun::method_only_keys().end());
  EXPECT_EQ(property_names(def("method").get("anyOf")->items()[1]), method);
  EXPECT_EQ(property_names(def("class")), corun::class_keys());
  EXPECT_EQ(property_names(def("handler")), corun::handler_keys());
  const Json& props = *schema().get("properties");
  EXPECT_EQ(property_names(*props.get("options")), corun::option_keys());
  EXPECT_EQ(property_names(*props.get("conformance")), corun::conformance_keys());
  for (auto& k : corun::definition_keys()) EXPECT_NE(description_of(definition_map, k), "") << k;
  for (auto& k : corun::class_keys()) EXPECT_NE(description_of(def("class"), k), "") << k;
  for (auto& k : corun::handler_keys()) EXPECT_NE(description_of(def("handler"), k), "") << k;
  for (auto& k : corun::option_keys()) EXPECT_NE(description_of(*props.get("options"), k), "") << k;
}

TEST(Schema, EveryShapeIsDefined) {
  for (const corun::VerbShape& v : corun::verb_shapes()) {
    EXPECT_NE(v.argument, "") << v.verb << ": no argument shape";
    if (!v.argument.empty()) {
      EXPECT_NO_THROW(def(v.argument)) << v.verb;
    }
    for (auto& [m, shape] : v.modifiers) {
      EXPECT_NE(shape, "") << v.verb << " " << m << ": no shape";
      if (!shape.empty()) {
        EXPECT_NO_THROW(def(shape)) << v.verb << " " << m;
      }
    }
  }
}

// The compiler accepts each verb with the schema's required modifiers, and
// each modifier the schema offers on it; it refuses the step without any
// one required modifier.
TEST(Schema, CompilerAgreesOnVerbsModifiersAndRequiredOnes) {
  for (const corun::VerbShape& v : corun::verb_shapes()) {
    ASSERT_TRUE(verb_samples().count(v.verb)) << "no sample for the verb '" << v.verb << "': add one here";
    std::map<std::string, std::string> base = required_of(v);
    EXPECT_EQ(compile_errors(verb_scenario(v.verb, base)), "") << verb_scenario(v.verb, base);
    for (auto& [m, shape] : v.modifiers) {
      ASSERT_TRUE(modifier_samples().count(m)) << "no sample for the modifier '" << m << "': add one here";
      if (base.count(m)) continue;
      std::map<std::string, std::string> mods = base;
      mods[m] = modifier_samples().at(m);
      for (auto& [k, val] : companions(v.verb, m)) mods[k] = val;
      if (v.verb == "try" && m == "except_star") mods.erase("except");
      EXPECT_EQ(compile_errors(verb_scenario(v.verb, mods)), "") << verb_scenario(v.verb, mods);
    }
    for (auto& r : base) {
      std::map<std::string, std::string> without = base;
      without.erase(r.first);
      EXPECT_NE(compile_errors(verb_scenario(v.verb, without)), "") << v.verb << " compiles without " << r.first;
    }
    std::map<std::string, std::string> unknown = base;
    unknown["no_such_modifier"] = "1";
    EXPECT_NE(compile_errors(verb_scenario(v.verb, unknown)).find("unknown key 'no_such_modifier'"), std::string::npos) << v.verb;
  }
}

TEST(Schema, CompilerAcceptsEveryKeyTheSchemaOffers) {
  const std::string main = "coroutines:\n  main: [pass]\n";
  std::map<std::string, std::string> top = {
      {"name", main + "name: n\n"},
      {"description", main + "description: d\n"},
      {"coroutines", main},
      {"functions", main + "functions: {g: [pass]}\n"},
      {"exceptions", main + "exceptions: {E: }\n"},
      {"classes", main + "classes: {C: {fields: {a: 1}}}\n"},
      {"main", main + "main: main()\n"},
      {"script", main + "script: [{call: asyncio.run(main())}]\n"},
      {"options", main + "options: {debug: true, seed: 1}\n"},
      {"conformance", main + "conformance: {skip: why}\n"},
      {"expect", main + "expect: {stdout: \"\", stderr: \"\", exit: 0}\n"},
  };
  for (auto& k : corun::top_level_keys()) {
    ASSERT_TRUE(top.count(k)) << "no sample for the top-level key '" << k << "': add one here";
    EXPECT_EQ(compile_errors(top[k]), "") << top[k];
  }
  EXPECT_NE(compile_errors(main + "mian: main()\n").find("unknown top-level key 'mian'"), std::string::npos);
  std::map<std::string, std::string> definition = {
      {"params", main + "functions: {g: {params: [a], steps: [pass]}}\n"},
      {"steps", main + "functions: {g: {steps: [pass]}}\n"},
      {"decorators", main + "functions: {g: {decorators: [print], steps: [pass]}}\n"},
      {"sync", main + "classes: {C: {methods: {m: {sync: true, steps: [pass]}}}}\n"},
  };
  for (auto* keys : {&corun::definition_keys(), &corun::method_only_keys()})
    for (auto& k : *keys) {
      ASSERT_TRUE(definition.count(k)) << "no sample for the definition key '" << k << "': add one here";
      EXPECT_EQ(compile_errors(definition[k]), "") << definition[k];
    }
  std::map<std::string, std::string> cls = {
      {"base", main + "classes: {C: {base: Exception}}\n"},
      {"attributes", main + "classes: {C: {attributes: {a: 1}}}\n"},
      {"fields", main + "classes: {C: {fields: {a: 1}}}\n"},
      {"methods", main + "classes: {C: {methods: {m: [pass]}}}\n"},
  };
  for (auto& k : corun::class_keys()) {
    ASSERT_TRUE(cls.count(k)) << "no sample for the class key '" << k << "': add one here";
    EXPECT_EQ(compile_errors(cls[k]), "") << cls[k];
  }
  EXPECT_NE(compile_errors(main + "classes: {C: {feilds: {a: 1}}}\n"), "");
  for (auto& k : corun::handler_keys()) {
    std::string y = main + "  f:\n    - try: [pass]\n      except: [{type: ValueError, as: e, steps: [pass]}]\n";
    EXPECT_EQ(compile_errors(y), "") << k << "\n" << y;
  }
}

// The descriptions are the reference's own words.
TEST(LanguageDocs, ReadsTablesAndSections) {
  corun::LanguageDocs docs(
      "# T\n\n| step | modifiers | Python |\n|---|---|---|\n| `sleep: EXPR` | | `await asyncio.sleep(EXPR)` |\n"
      "| `break` / `continue` | | the [same](#x) |\n\n### sleep\n\nshort\n\n```yaml\n- sleep: 1\n```\n\n"
      "`sleep: EXPR` suspends the task\nfor EXPR seconds.\n");
  ASSERT_NE(docs.row("step", "sleep"), nullptr);
  EXPECT_EQ((*docs.row("step", "sleep"))[2], "`await asyncio.sleep(EXPR)`");
  ASSERT_NE(docs.row("step", "continue"), nullptr);
  EXPECT_EQ((*docs.row("step", "continue"))[2], "the same");
  EXPECT_EQ(docs.row("step", "print"), nullptr);
  EXPECT_EQ(docs.row("modifier", "sleep"), nullptr);
  EXPECT_EQ(docs.section_intro("sleep"), "`sleep: EXPR` suspends the task for EXPR seconds.");
  EXPECT_TRUE(corun::LanguageDocs::embedded().has_table("modifier"));
}

}  // namespace
