public enum TypesetPlaceholder {}
