// The parameter schema: defaults, parsing, ranges, JSON round trips. No torch.
#include <gtest/gtest.h>

#include <fstream>

#include "core/params/config_file.h"
#include "core/params/schema.h"
#include "core/params/strict_json.h"
#include "core/util/error.h"

using namespace jem;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Schema, EveryKnobIsUniqueDocumentedAndItsDefaultIsInRange) {
  std::set<std::string> names;
  Settings d;
  for (const auto& p : schema()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_GT(p.help.size(), 10u) << p.name;
    EXPECT_FALSE(p.group.empty()) << p.name;
    if (p.type == ParamType::Real || p.type == ParamType::Int) {
      EXPECT_LT(p.min, p.max) << p.name;
      EXPECT_GE(get_number(d, p), p.min) << p.name;
      EXPECT_LE(get_number(d, p), p.max) << p.name;
      if (p.log_scale) EXPECT_GT(p.min, 0) << p.name << ": log scale needs a positive minimum";
    }
    if (p.type == ParamType::Choice) {
      EXPECT_NE(std::find(p.choices.begin(), p.choices.end(), get_param(d, p.name)), p.choices.end()) << p.name;
    }
  }
  EXPECT_NO_THROW(validate(d));
}

TEST(Schema, OfficialFlagNamesArePresent) {
  for (const char* n : {"p_x_weight", "p_y_given_x_weight", "p_x_y_weight", "sgld_lr", "sgld_std", "n_steps",
                        "buffer_size", "reinit_freq", "lr", "batch_size", "warmup_iters", "sigma", "optimizer",
                        "class_cond_p_x_sample", "uncond"})
    EXPECT_NE(find_param(n), nullptr) << n;
}

TEST(Schema, SetsEachTypeFromText) {
  Settings s;
  set_param(s, "sgld_lr", "0.5");
  set_param(s, "n_steps", "1e2");
  set_param(s, "proper_langevin", "on");
  set_param(s, "dataset", "8gaussians");
  EXPECT_DOUBLE_EQ(s.sgld_lr, 0.5);
  EXPECT_EQ(s.n_steps, 100);
  EXPECT_TRUE(s.proper_langevin);
  EXPECT_EQ(s.dataset, "8gaussians");
  EXPECT_EQ(get_param(s, "sgld_lr"), "0.5");
}

TEST(Schema, RejectsBadValuesNamingTheKnobAndItsRange) {
  Settings s;
  std::string e = error_of([&] { set_param(s, "sgld_lr", "0"); });
  EXPECT_NE(e.find("sgld_lr"), std::string::npos) << e;
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  EXPECT_NE(e.find("[1e-06, 100]"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { set_param(s, "reinit_freq", "1.5"); }).find("reinit_freq"), std::string::npos);
  EXPECT_NE(error_of([&] { set_param(s, "n_steps", "2.5"); }).find("not an integer"), std::string::npos);
  EXPECT_NE(error_of([&] { set_param(s, "n_steps", "-1"); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([&] { set_param(s, "lr", "nan"); }).find("lr"), std::string::npos);
  EXPECT_NE(error_of([&] { set_param(s, "lr", "abc"); }).find("not a number"), std::string::npos);
  EXPECT_NE(error_of([&] { set_param(s, "uncond", "maybe"); }).find("not a bool"), std::string::npos);
  std::string c = error_of([&] { set_param(s, "dataset", "imagenet"); });
  EXPECT_NE(c.find("one of moons|circles"), std::string::npos) << c;
  std::string t = error_of([&] { set_param(s, "data_dir", std::string("a\nb")); });
  EXPECT_NE(t.find("control characters"), std::string::npos) << t;
  // Nothing was stored by the failed calls.
  EXPECT_EQ(s, Settings{});
  set_param(s, "data_dir", "/some where/data");
  EXPECT_EQ(get_param(s, "data_dir"), "/some where/data");
}

TEST(Schema, UnknownNamesSuggestTheClosestKnob) {
  Settings s;
  std::string e = error_of([&] { set_param(s, "sgld_lrr", "1"); });
  EXPECT_NE(e.find("unknown parameter 'sgld_lrr'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'sgld_lr'"), std::string::npos) << e;
  EXPECT_EQ(error_of([&] { set_param(s, "completely_unrelated_name", "1"); }).find("did you mean"),
            std::string::npos);
}

TEST(ConfigFile, JsonRoundTripIsExact) {
  Settings s;
  s.sgld_lr = 0.1234567890123;
  s.lr = 3e-4;
  s.dataset = "spirals";
  s.uncond = true;
  s.n_steps = 77;
  Settings back = settings_from_json(settings_to_json(s), Settings{}, "test");
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.sgld_lr, s.sgld_lr);
}

TEST(ConfigFile, PartialFilesApplyOnTopOfTheBase) {
  Settings base;
  base.n_steps = 5;
  Settings s = settings_from_json(R"({"sgld_lr": 2, "_description": "comments are ignored"})", base, "f.json");
  EXPECT_EQ(s.sgld_lr, 2);
  EXPECT_EQ(s.n_steps, 5);
}

TEST(ConfigFile, BadFilesAreRefusedWithTheFileAndKeyNamed) {
  EXPECT_NE(error_of([] { settings_from_json("{not json", {}, "a.json"); }).find("a.json: not valid JSON"),
            std::string::npos);
  EXPECT_NE(error_of([] { settings_from_json("[1,2]", {}, "a.json"); }).find("expected a JSON object"),
            std::string::npos);
  std::string e = error_of([] { settings_from_json(R"({"n_steps": "many"})", {}, "a.json"); });
  EXPECT_NE(e.find("a.json: n_steps: expected a number"), std::string::npos) << e;
  e = error_of([] { settings_from_json(R"({"buffer_size": -5})", {}, "a.json"); });
  EXPECT_NE(e.find("buffer_size"), std::string::npos) << e;
  e = error_of([] { settings_from_json(R"({"bogus": 1})", {}, "a.json"); });
  EXPECT_NE(e.find("unknown parameter 'bogus'"), std::string::npos) << e;
  EXPECT_NE(error_of([] { load_settings_file("/nonexistent/x.json", {}); }).find("/nonexistent/x.json"),
            std::string::npos);
}

TEST(StrictJson, AKeyGivenTwiceInOneObjectIsRefusedByName) {
  EXPECT_NO_THROW(parse_json_strict(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]})", "f.json"));
  for (const char* text : {R"({"n_steps": 3, "n_steps": 4})", R"({"a": {"x": 1, "x": 2}})", R"([{"x": 1, "y": 2, "x": 3}])"}) {
    try {
      parse_json_strict(text, "f.json");
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("f.json: the key '"), std::string::npos) << e.what();
    }
  }
  // Config files and presets read through it: the last value no longer wins silently.
  try {
    settings_from_json(R"({"sgld_lr": 1, "sgld_lr": 2})", Settings{}, "cfg.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cfg.json: the key 'sgld_lr' is given twice (which value is meant?)");
  }
}
