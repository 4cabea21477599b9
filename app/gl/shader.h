// GLSL programs loaded from files in the shaders folder at run time, so that a shader can be
// edited without rebuilding. Errors name the file and carry the driver's GLSL log.
#pragma once
#include <epoxy/gl.h>

#include <stdexcept>
#include <string>

namespace jem::gl {

struct ShaderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ShaderProgram {
 public:
  ShaderProgram() = default;
  // Reads dir/vert_file and dir/frag_file, compiles and links them. Throws ShaderError.
  ShaderProgram(const std::string& dir, const std::string& vert_file, const std::string& frag_file);
  ~ShaderProgram();
  ShaderProgram(ShaderProgram&& o) noexcept : id_(o.id_) { o.id_ = 0; }
  ShaderProgram& operator=(ShaderProgram&& o) noexcept;
  ShaderProgram(const ShaderProgram&) = delete;
  ShaderProgram& operator=(const ShaderProgram&) = delete;

  GLuint id() const { return id_; }
  void use() const { glUseProgram(id_); }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  GLuint id_ = 0;
};

}  // namespace jem::gl
