#pragma once
// The message of the error a call throws, for tests that check what a refusal says.
#include <functional>
#include <string>

#include "core/common/error.h"

// What f throws as an E (a latentlab::Error by default), or a text saying it threw none.
template <typename E = latentlab::Error>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no error of the expected type";
}
