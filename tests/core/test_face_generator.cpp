// The synthetic face generator: determinism, the CelebA attribute file, and labels that match
// what is drawn.
#include <gtest/gtest.h>

#include "core/face_generator.h"

using namespace latentlab;

TEST(FaceGenerator, SameSeedSameBytes) {
  const auto a = render_face_rgb(sample_face_parameters(7, 3), 64);
  const auto b = render_face_rgb(sample_face_parameters(7, 3), 64);
  EXPECT_EQ(a, b);
}
