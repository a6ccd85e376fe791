public enum FormsPlaceholder {}
