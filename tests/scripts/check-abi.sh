#!/bin/sh
# Compare the built library with the committed ABI baseline. abidiff's exit status
# is a bit set: 4 = ABI change, 8 = incompatible change; either fails the test so
# that every public change updates abi/libseg.abi deliberately (tools/abi-update).
set -u
lib=$1 root=$2
abidiff --no-added-syms --headers-dir2 "$root/include/seg" \
  "$root/abi/libseg.abi" "$lib"
rc=$?
if [ $rc -ne 0 ]; then
  echo "abidiff exit status $rc (4: ABI change, 8: incompatible change)"
  exit 1
fi
echo "ABI matches abi/libseg.abi"
