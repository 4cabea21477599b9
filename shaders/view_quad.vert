#version 330 core
// A quad covering the viewport, without vertex buffers; passes the data-space position of each
// fragment (u_view = x0, y0, x1, y1 of the visible box).
uniform vec4 u_view;
out vec2 v_pos;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  v_pos = mix(u_view.xy, u_view.zw, corner);
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
