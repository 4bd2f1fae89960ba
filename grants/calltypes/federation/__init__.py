"""Federation and NGO-representation building (S2). The call type registers through
grants.calltypes.installed (importing a submodule, e.g. the models, loads nothing else)."""
