#version 330 core
// Data and replay-buffer points in data space, mapped to the visible box.
layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec4 a_color;
uniform vec4 u_view;
uniform float u_size;  // pixels
out vec4 v_color;

void main() {
  vec2 ndc = (a_pos - u_view.xy) / (u_view.zw - u_view.xy) * 2.0 - 1.0;
  gl_Position = vec4(ndc, 0.0, 1.0);
  gl_PointSize = u_size;
  v_color = a_color;
}
