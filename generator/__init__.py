"""cmdop IDL generator: idl/*.cmdop -> one validated model -> gen/."""
