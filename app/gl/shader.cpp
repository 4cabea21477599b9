#include "app/gl/shader.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace jem::gl {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ShaderError(path + ": cannot read shader file (set JEMLAB_SHADERS or --shaders to the shaders folder)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shader_log(GLuint shader) {
  GLint len = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &len);
  std::vector<char> log(static_cast<size_t>(std::max(len, 1)));
  glGetShaderInfoLog(shader, len, nullptr, log.data());
  return log.data();
}

GLuint compile(GLenum kind, const std::string& path) {
  const std::string source = read_text(path);
  const char* text = source.c_str();
  GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    const std::string log = shader_log(shader);
    glDeleteShader(shader);
    throw ShaderError(path + ": GLSL compile error:\n" + log);
  }
  return shader;
}

}  // namespace

ShaderProgram::ShaderProgram(const std::string& dir, const std::string& vert_file, const std::string& frag_file) {
  const std::string vpath = dir + "/" + vert_file, fpath = dir + "/" + frag_file;
  GLuint vs = compile(GL_VERTEX_SHADER, vpath);
  GLuint fs = 0;
  try {
    fs = compile(GL_FRAGMENT_SHADER, fpath);
  } catch (...) {
    glDeleteShader(vs);
    throw;
  }
  id_ = glCreateProgram();
  glAttachShader(id_, vs);
  glAttachShader(id_, fs);
  glLinkProgram(id_);
  glDeleteShader(vs);  // the program keeps them alive while attached
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(id_, GL_LINK_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetProgramiv(id_, GL_INFO_LOG_LENGTH, &len);
    std::vector<char> log(static_cast<size_t>(std::max(len, 1)));
    glGetProgramInfoLog(id_, len, nullptr, log.data());
    glDeleteProgram(id_);
    id_ = 0;
    throw ShaderError(vpath + " + " + fpath + ": GLSL link error:\n" + log.data());
  }
}

ShaderProgram::~ShaderProgram() {
  if (id_) glDeleteProgram(id_);
}

ShaderProgram& ShaderProgram::operator=(ShaderProgram&& o) noexcept {
  if (this != &o) {
    if (id_) glDeleteProgram(id_);
    id_ = o.id_;
    o.id_ = 0;
  }
  return *this;
}

}  // namespace jem::gl
