#pragma once
// Folder core/common/ (LibTorch only). The vocabulary every other folder speaks: the error
// hierarchy (error.h) and image shapes and output ranges (types.h). Nothing here depends on another
// core folder.
//
// The project's error types. Core throws these; the CLI prints what() on one line,
// the GUI shows it in a message box. Never assert() on input: it vanishes in Release.
#include <stdexcept>
#include <string>

namespace latentlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A checkpoint or TorchScript file that cannot be used: missing, corrupt, lying metadata.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

// An image that cannot be read or written.
class ImageError : public Error {
 public:
  using Error::Error;
};

// A data set (IDX, folder, CelebA) that is malformed.
class DatasetError : public Error {
 public:
  using Error::Error;
};

// Bad arguments or values given by the user (wrong latent length, NaN in a latent, ...).
class InputError : public Error {
 public:
  using Error::Error;
};

// A file that could not be written.
class WriteError : public Error {
 public:
  using Error::Error;
};

// A long job stopped because the user asked it to.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

// Throws ErrorType("<file>: <what>"): every refusal names the file first.
template <typename ErrorType>
[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw ErrorType(file + ": " + what);
}

}  // namespace latentlab
