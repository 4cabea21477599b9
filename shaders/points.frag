#version 330 core
// Round points with a soft edge and a dark rim, readable over any colormap.
in vec4 v_color;
out vec4 frag_color;
uniform float u_size;

void main() {
  float r = length(gl_PointCoord - 0.5) * 2.0;  // 0 centre, 1 edge
  float px = 2.0 / max(u_size, 1.0);             // one pixel in r units
  float alpha = 1.0 - smoothstep(1.0 - px, 1.0, r);
  if (alpha <= 0.0) discard;
  float rim = smoothstep(1.0 - 2.5 * px, 1.0 - px, r);
  frag_color = vec4(mix(v_color.rgb, v_color.rgb * 0.25, rim * 0.7), v_color.a * alpha);
}
