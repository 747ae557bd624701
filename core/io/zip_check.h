#pragma once
// LibTorch's zip reader (PyTorchStreamReader, 1.13) does not check the CRC-32 of the records it
// reads, so a TorchScript file with damaged weights would load and draw garbage. This walks the
// zip central directory and checks every record against its CRC-32 first.
#include <string>

namespace latentlab {

// Throws CheckpointError "PATH: ..." naming the damaged record, or saying the archive is
// truncated, malformed or not a PyTorch archive (no format version record: checked here because
// LibTorch's reader leaks memory when it refuses one). Stored records (the weights) are checked
// straight from the file; the deflated ones (code, pickles) after LibTorch's zip reader inflates
// them. Zip64 archives (over 4 GiB or 65535 records) are not checked.
void verify_zip_checksums(const std::string& path);

}  // namespace latentlab
