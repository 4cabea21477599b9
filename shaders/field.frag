#version 330 core
// The energy landscape: a scalar field through a colormap, contour lines, decision regions tinted
// by class and their boundaries as lines. Fields are bilinear textures over u_field_box.
in vec2 v_pos;
out vec4 frag_color;

uniform sampler2D u_scalar;        // R32F, res x res cell centres
uniform sampler2DArray u_logits;   // RGBA32F, 4 classes per layer
uniform sampler2D u_lut;           // 256 x 1 colormap
uniform vec4 u_field_box;          // x0, y0, x1, y1 of the grid
uniform vec2 u_range;              // value -> colour: (lo, hi)
uniform int u_contours;            // number of contour levels across the range (0: none)
uniform int u_n_classes;
uniform float u_tint;              // 0..1 weight of the class colour over the field
uniform int u_boundaries;          // 1: draw decision boundaries
uniform vec3 u_class_colors[16];
uniform vec3 u_background;

void main() {
  vec2 tc = (v_pos - u_field_box.xy) / (u_field_box.zw - u_field_box.xy);
  if (any(lessThan(tc, vec2(0.0))) || any(greaterThan(tc, vec2(1.0)))) {
    frag_color = vec4(u_background, 1.0);  // outside the published grid (it follows pan/zoom)
    return;
  }
  float v = texture(u_scalar, tc).r;
  float t = clamp((v - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0);
  vec3 color = texture(u_lut, vec2(t, 0.5)).rgb;

  if (u_contours > 0) {
    // Distance to the nearest level in pixels, from the screen-space derivative.
    float s = (v - u_range.x) / (u_range.y - u_range.x) * float(u_contours);
    float d = abs(fract(s + 0.5) - 0.5) / max(fwidth(s), 1e-6);
    float line = 1.0 - smoothstep(0.5, 1.5, d);
    // Where levels crowd closer than a few pixels the lines would merge into a moire: fade them.
    line *= 1.0 - smoothstep(0.15, 0.4, fwidth(s));
    color = mix(color, color * 0.55, line * 0.8);
  }

  if (u_n_classes > 1) {
    // One fetch per layer of four classes (llvmpipe pays for each bilinear RGBA32F fetch).
    float best = -1e30, second = -1e30;
    int best_k = 0;
    for (int layer = 0; layer * 4 < u_n_classes; ++layer) {
      vec4 l4 = texture(u_logits, vec3(tc, float(layer)));
      for (int c = 0; c < 4; ++c) {  // constant bounds: unrolled, each component a register
        int k = layer * 4 + c;
        if (k >= u_n_classes) break;
        float l = l4[c];
        if (l > best) { second = best; best = l; best_k = k; }
        else if (l > second) { second = l; }
      }
    }
    color = mix(color, u_class_colors[best_k], u_tint);
    if (u_boundaries == 1) {
      // The top-two margin is 0 exactly on a boundary; measured in pixels it gives an even line.
      float m = best - second;
      float d = m / max(fwidth(m), 1e-6);
      float line = 1.0 - smoothstep(1.0, 2.2, d);
      color = mix(color, vec3(1.0), line * 0.9);
    }
  }
  frag_color = vec4(color, 1.0);
}
