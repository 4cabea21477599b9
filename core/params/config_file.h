// Settings <-> JSON (config files, presets, config.json of a run, checkpoint headers).
#pragma once
#include <string>

#include "core/params/settings.h"

namespace jem {

std::string settings_to_json(const Settings& s, int indent = 2);
// Applies every key of a JSON object on top of `base`. Unknown keys, wrong types and
// out-of-range values throw Error naming the key; `origin` names the file in the message. A key
// given twice is refused too (files people write), except with repeated_keys_ok: a checkpoint's
// settings come from our own writer, and a damaged archive is the archive and tensor checks' job.
Settings settings_from_json(const std::string& text, const Settings& base, const std::string& origin,
                            bool repeated_keys_ok = false);
Settings load_settings_file(const std::string& path, const Settings& base);
void save_settings_file(const std::string& path, const Settings& s);

}  // namespace jem
