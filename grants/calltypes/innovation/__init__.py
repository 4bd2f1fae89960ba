"""Innovation pilots across sectors (S9): a concept call (stage 1) and a pilot contest (stage 2),
two linked contests on the one contest workflow. The call types register through
grants.calltypes.installed (importing a submodule, e.g. the models, loads nothing else)."""
